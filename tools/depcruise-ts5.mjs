/**
 * Runs before dependency-cruiser (`node --import ./tools/depcruise-ts5.mjs`): dependency-cruiser
 * 16 (the last line that runs on Node 20) parses TypeScript only with typescript < 6, while the
 * project builds with 6. Its lookups of `typescript` — a require of the package.json for the
 * version check, an import of the compiler — are sent to the `typescript5` alias (5.9) instead.
 */
import Module, { register } from 'node:module';

const fromCruiser = (where) => typeof where === 'string' && where.includes('/node_modules/dependency-cruiser/');
const redirect = (specifier) => specifier.replace(/^typescript(?=\/|$)/, 'typescript5');

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const to = fromCruiser(parent?.filename) ? redirect(request) : request;
  return resolveFilename.call(this, to, parent, ...rest);
};

register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      const from = context.parentURL ?? '';
      if (from.includes('/node_modules/dependency-cruiser/') && /^typescript(\\/|$)/.test(specifier)) {
        return next(specifier.replace(/^typescript/, 'typescript5'), context);
      }
      return next(specifier, context);
    }`)}`,
);
