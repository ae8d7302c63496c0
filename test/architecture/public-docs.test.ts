/**
 * Every symbol the package exports carries a TSDoc comment (issue 12): the entry points named in
 * package.json "exports" are walked with the TypeScript compiler API, each export followed to its
 * declaration, and the test fails listing every one without a doc comment.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Exports still without a doc comment, as `declaring file:name` (none left). */
const PENDING = new Set<string>([]);

/** The source file of each package entry point: `./dist/x.js` in package.json → `src/x.ts`. */
function entryPoints(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { import?: string }>;
  };
  return Object.values(pkg.exports)
    .map((e) => (typeof e === 'string' ? e : e.import))
    .filter((p): p is string => !!p?.startsWith('./dist/') && p.endsWith('.js'))
    .map((p) => join(ROOT, p.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')));
}

/** `declaring file:name` of every export of the entry points without a doc comment. */
function findUndocumented(): string[] {
  const entries = entryPoints();
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  for (const entry of entries) {
    const sf = program.getSourceFile(entry);
    const mod = sf && checker.getSymbolAtLocation(sf);
    assert.ok(mod, `cannot read the exports of ${entry}`);
    for (const exported of checker.getExportsOfModule(mod)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (symbol.getDocumentationComment(checker).some((p) => p.text.trim() !== '')) continue;
      const decl = symbol.declarations?.[0];
      const where = decl ? relative(ROOT, decl.getSourceFile().fileName).split('\\').join('/') : '?';
      missing.push(`${where}:${exported.name}`);
    }
  }
  return [...new Set(missing)].sort();
}

let found: string[] | undefined;
/** {@link findUndocumented}, computed once for both tests (building the program takes seconds). */
const undocumented = (): string[] => {
  found ??= findUndocumented();
  return found;
};

test('every export of the package entry points has a TSDoc comment', () => {
  const missing = undocumented().filter((k) => !PENDING.has(k));
  assert.deepEqual(
    missing,
    [],
    `${missing.length} exports without a doc comment:\n  ${missing.join('\n  ')}`,
  );
});

test('the pending list names only exports still without a doc comment', () => {
  const missing = new Set(undocumented());
  const stale = [...PENDING].filter((k) => !missing.has(k));
  assert.deepEqual(stale, [], `remove from PENDING (documented now, or gone): ${stale.join(', ')}`);
});
