/**
 * Builds the web UI (web/) into dist/web/: app.js (esbuild bundle of web/main.ts with uPlot),
 * app.css (uPlot's stylesheet + web/style.css) and index.html. Run by `npm run build`, so `npm ci`
 * (through `prepare`) produces it; the output is the same bytes for the same sources.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/web/`;
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [`${root}web/main.ts`],
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  legalComments: 'eof',
  outfile: `${out}app.js`,
  logLevel: 'warning',
});
const css = [`${root}node_modules/uplot/dist/uPlot.min.css`, `${root}web/style.css`].map((f) =>
  readFileSync(f, 'utf8'),
);
writeFileSync(`${out}app.css`, css.join('\n'));
copyFileSync(`${root}web/index.html`, `${out}index.html`);
