/**
 * Every function in src/ stays under ~100 lines (issue 12, the developers' guide): a longer one is
 * split into named steps. This walks src/ with the TypeScript compiler API and lists every
 * function, method, accessor, constructor and arrow function longer than MAX_LINES.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAX_LINES = 100;

/** Known exceptions, as `path:name`: none now; one added here needs a comment saying why. */
const ALLOWED = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** A readable name: the declared one, else the variable, property or class member it is bound to. */
function nameOf(node: ts.FunctionLikeDeclaration): string {
  const own = node.name && ts.isIdentifier(node.name) ? node.name.text : node.name?.getText();
  const parent = node.parent;
  const bound =
    own ??
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)
      ? parent.name.getText()
      : ts.isConstructorDeclaration(node)
        ? 'constructor'
        : '(anonymous)');
  const cls = ts.isClassLike(parent) ? parent : ts.isPropertyDeclaration(parent) ? parent.parent : undefined;
  return cls?.name ? `${cls.name.text}.${bound}` : bound;
}

/** Every function-like node of a file longer than MAX_LINES, as `path:name (N lines)`. */
function longFunctions(file: string): { key: string; lines: number }[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const path = relative(ROOT, file).split('\\').join('/');
  const out: { key: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_LINES)
        out.push({ key: `${path}:${nameOf(node as ts.FunctionLikeDeclaration)}`, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

test(`no function in src/ is longer than ${MAX_LINES} lines`, () => {
  const found = sourceFiles(join(ROOT, 'src')).flatMap(longFunctions);
  const tooLong = found.filter((f) => !ALLOWED.has(f.key)).map((f) => `${f.key} (${f.lines} lines)`);
  assert.deepEqual(tooLong, [], `split these into named steps:\n  ${tooLong.join('\n  ')}`);
});

test('the allowlist names only functions that are still too long', () => {
  const found = new Set(
    sourceFiles(join(ROOT, 'src'))
      .flatMap(longFunctions)
      .map((f) => f.key),
  );
  const stale = [...ALLOWED].filter((k) => !found.has(k));
  assert.deepEqual(stale, [], `remove from ALLOWED (now short enough or gone): ${stale.join(', ')}`);
});
