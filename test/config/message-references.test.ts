/**
 * Every CLI flag and config key that a message names exists. Advice that names `--zip-entry` (no
 * such flag) or `zipEntry` (not a config key) sends a user nowhere; this scans the prose strings
 * of src/ for `--flag`, `section.key` and snake_case words and checks each against the real CLI
 * (the commander program main() builds) and the resolved default config.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import ts from 'typescript';
import { main } from '../../src/cli/main.js';
import { resolveConfig } from '../../src/config/config.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Flags of other programs that messages legitimately quote (node, npm). */
const FOREIGN_FLAGS = new Set([
  '--import',
  '--require',
  '--loader',
  '--experimental-loader',
  '--conditions',
  '--enable-source-maps',
  '--test',
  '--watch',
  '--max-old-space-size',
  '--save-exact',
  '--nodedir',
]);

/** SQL, SQLite pragmas and DuckDB table functions: their snake_case words are theirs. */
const SQL = /\b(SELECT|INSERT|CREATE|UPDATE|DELETE|PRAGMA|ALTER|read_csv|read_json|read_parquet)\b|^\w+ = /;
/** `registry.sqlite`, `data.csv`, `./log.js`: file names, not keys. */
const FILE_EXTENSIONS =
  /^(js|ts|mjs|sqlite|json|csv|tsv|yaml|yml|parquet|zip|ndjson|jsonl|txt|html|md|sha256)$/;

interface Found {
  what: string;
  where: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/**
 * The text of every string and template literal (SQL aside), whether it reads as prose (has a
 * space), and into `names` every identifier and every word of the other literals: the field,
 * column, code and table names the program itself uses.
 */
function proseStrings(file: string, names: Set<string>): { text: string; prose: boolean; line: number }[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { text: string; prose: boolean; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) names.add(node.text);
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node)) {
      // Substitutions become a placeholder word, so `cleaning.types.${t}` still reads as a key.
      text = node.head.text + node.templateSpans.map((s) => `X${s.literal.text}`).join('');
    }
    if (text !== undefined && !SQL.test(text)) {
      // A piece of a concatenated message may hold no space ('(--zip-entry).'): flags and dotted
      // keys are looked for in every string, bare snake_case words only in prose.
      const prose = /\s/.test(text);
      out.push({ text, prose, line: src.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
      if (!prose) for (const w of text.split(/[^\w]+/)) names.add(w);
    } else if (text !== undefined) {
      for (const w of text.split(/[^\w]+/)) names.add(w);
    }
    if (!ts.isTemplateExpression(node)) ts.forEachChild(node, visit);
  };
  visit(src);
  return out;
}

/** Long option names of every command and subcommand of the real program. */
async function cliFlags(): Promise<Set<string>> {
  let program: Command | undefined;
  const parse = Command.prototype.parseAsync;
  Command.prototype.parseAsync = async function (this: Command) {
    program = this;
    return this;
  };
  try {
    await main(['node', 'tabflow']);
  } finally {
    Command.prototype.parseAsync = parse;
  }
  assert.ok(program, 'main() built no program');
  const flags = new Set(['--help', '--version']);
  const walk = (c: Command): void => {
    for (const o of c.options) if (o.long) flags.add(o.long);
    for (const sub of c.commands) walk(sub);
  };
  walk(program);
  return flags;
}

/** Whether `path` (e.g. ['data', 'zip_entry']) exists in the default config; open maps take any key. */
function configHas(cfg: Record<string, unknown>, path: string[]): boolean {
  let node: unknown = cfg;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return true; // a value: the rest is prose
    const obj = node as Record<string, unknown>;
    if (Object.keys(obj).length === 0) return true; // a user map (cleaning.types.<column>)
    if (!(key in obj)) return false;
    node = obj[key];
  }
  return true;
}

function allKeys(node: unknown, into = new Set<string>()): Set<string> {
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    for (const [k, v] of Object.entries(node)) {
      into.add(k);
      allKeys(v, into);
    }
  }
  return into;
}

test('every --flag and config key named in a message exists', async () => {
  const flags = await cliFlags();
  const cfg = resolveConfig({}) as unknown as Record<string, unknown>;
  const sections = Object.keys(cfg).filter((k) => k !== 'environment' && k !== 'models');
  const keys = allKeys(cfg);
  const keyRe = new RegExp(
    `(?<![\\w.])(${sections.join('|')})\\.([a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)*)`,
    'g',
  );
  const bad: Found[] = [];
  const names = new Set<string>();
  const prose = sourceFiles(SRC).map((file) => ({ file, strings: proseStrings(file, names) }));
  for (const { file, strings } of prose) {
    for (const { text, prose, line } of strings) {
      const where = `${relative(SRC, file)}:${line}`;
      for (const m of text.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)) {
        if (!flags.has(m[0]) && !FOREIGN_FLAGS.has(m[0])) bad.push({ what: `flag ${m[0]}`, where });
      }
      for (const m of text.matchAll(keyRe)) {
        const path = m[2].split('.');
        if (FILE_EXTENSIONS.test(path[0])) continue;
        if (!configHas(cfg, [m[1], ...path])) bad.push({ what: `key ${m[0]}`, where });
      }
      // Bare snake_case words: a config key, or a name the code itself uses (a log field, an
      // error code, a column); anything else is a key that does not exist.
      if (!prose) continue;
      for (const m of text.matchAll(/(?<![\w.$/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w(/-])/g)) {
        if (keys.has(m[0]) || names.has(m[0]) || m[0].startsWith('tabflow_')) continue; // a Prometheus metric
        if (/name: $/.test(text.slice(0, m.index))) continue; // a name the user chooses in an example
        bad.push({ what: `key ${m[0]}`, where });
      }
    }
  }
  assert.deepEqual(
    bad.map((b) => `${b.what} (${b.where})`),
    [],
    'messages name flags or config keys that do not exist',
  );
});
