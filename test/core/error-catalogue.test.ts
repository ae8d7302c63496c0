/**
 * The error catalogue (src/core/error-codes.ts) against the code that uses it. The types already
 * refuse a code that is not catalogued or thrown as another class; this walks src/ for what
 * could slip past them (a cast, a `string` parameter, a route answering by hand): every
 * `new XxxError('code'`, every `code: '…'` and `badRequest(…, 'code', …)`, every
 * `reply.code(N).send({error: '…'})` is catalogued with that class or status, and every entry is
 * used somewhere.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import {
  ERROR_CLASSES,
  ERROR_CODES,
  type ErrorClassName,
  type ErrorCode,
  errorCodeInfo,
  type FieldIssueCode,
  ISSUE_CODE_DOCS,
} from '../../src/core/error-codes.js';
import { DataError, UsageError, ValidationError } from '../../src/core/errors.js';
import type { FeedbackErrorCode } from '../../src/log/feedback.js';
import { LogWriteError } from '../../src/log/prediction-log.js';
import { ERRORS_MD, errorsMarkdown } from './error-docs.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const CATALOGUE = join(SRC, 'core', 'error-codes.ts');

// Compile-time: the feedback verdicts are issue codes too (a new verdict must be catalogued).
const feedbackVerdictIsIssueCode = (c: FeedbackErrorCode): FieldIssueCode => c;
void feedbackVerdictIsIssueCode;

/** `code:` literals of other namespaces, each typed where it lives. */
const OTHER_CODES = new Map([
  ['test_beats_selected', 'a selection warning of results.json (SelectionWarning)'],
  ['FST_ERR_CTP_INVALID_MEDIA_TYPE', "fastify's own code, mapped by core/error-response.ts"],
]);

interface Site {
  where: string;
  what: string;
  code: string;
  status?: number;
}

interface Scan {
  throws: Site[];
  codeProps: Site[];
  replies: Site[];
  /** Names of classes declared `extends TabflowError` (or one of its subclasses). */
  classes: Map<string, string>;
  literals: Set<string>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The string a node spells, through casts and parentheses (`'x' as Code` is still 'x'). */
function stringOf(n: ts.Node | undefined): string | undefined {
  while (n && (ts.isAsExpression(n) || ts.isParenthesizedExpression(n) || ts.isSatisfiesExpression(n))) {
    n = n.expression;
  }
  return n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : undefined;
}

/** The status of `reply.code(N).header(…).send(…)`: the N of the chain's `.code(N)`. */
function statusOf(call: ts.CallExpression): number | undefined {
  let e: ts.Expression = call.expression;
  while (ts.isPropertyAccessExpression(e) && ts.isCallExpression(e.expression)) {
    const inner = e.expression;
    if (ts.isPropertyAccessExpression(inner.expression) && inner.expression.name.text === 'code') {
      const n = inner.arguments[0];
      return n && ts.isNumericLiteral(n) ? Number(n.text) : undefined;
    }
    e = inner.expression;
  }
  return undefined;
}

function scanSource(): Scan {
  const scan: Scan = { throws: [], codeProps: [], replies: [], classes: new Map(), literals: new Set() };
  const errorClasses = new Set(['TabflowError', ...Object.keys(ERROR_CLASSES)]);
  for (const file of sourceFiles(SRC)) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node) =>
      `${relative(SRC, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (n: ts.Node): void => {
      const text = stringOf(n);
      if (text !== undefined && file !== CATALOGUE) scan.literals.add(text);
      if (ts.isClassDeclaration(n) && n.name && n.heritageClauses) {
        const base = n.heritageClauses[0].types[0].expression.getText(sf);
        if (errorClasses.has(base)) scan.classes.set(n.name.text, where(n));
      }
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && errorClasses.has(n.expression.text)) {
        const code = stringOf(n.arguments?.[0]);
        if (code !== undefined) scan.throws.push({ where: where(n), what: n.expression.text, code });
      }
      if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && n.name.text === 'code') {
        const code = stringOf(n.initializer);
        if (code !== undefined) scan.codeProps.push({ where: where(n), what: 'code:', code });
      }
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'badRequest') {
        const code = stringOf(n.arguments[1]);
        if (code !== undefined) scan.codeProps.push({ where: where(n), what: 'badRequest', code });
      }
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
        const body = n.arguments[0];
        if (n.expression.name.text === 'send' && body && ts.isObjectLiteralExpression(body)) {
          for (const p of body.properties) {
            const code =
              ts.isPropertyAssignment(p) && p.name.getText(sf) === 'error' && stringOf(p.initializer);
            if (code) scan.replies.push({ where: where(n), what: 'reply', code, status: statusOf(n) });
          }
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return scan;
}

const scan = scanSource();
const isErrorCode = (c: string): c is ErrorCode => Object.hasOwn(ERROR_CODES, c);
const isIssueCode = (c: string) => Object.hasOwn(ISSUE_CODE_DOCS, c);

describe('error catalogue', () => {
  test('the walk finds the throw sites it checks', () => {
    assert.ok(scan.throws.length > 200, `only ${scan.throws.length} throw sites found`);
    assert.ok(scan.codeProps.length > 100, `only ${scan.codeProps.length} issue codes found`);
    assert.ok(scan.replies.length >= 12, `only ${scan.replies.length} direct replies found`);
  });

  test('every new XxxError("code") is catalogued under that class', () => {
    const wrong = scan.throws.flatMap((s) => {
      if (!isErrorCode(s.code)) return [`${s.where}: ${s.what} "${s.code}" is not in the catalogue`];
      const cls = ERROR_CODES[s.code].class;
      return cls === s.what ? [] : [`${s.where}: "${s.code}" thrown as ${s.what}; the catalogue says ${cls}`];
    });
    assert.deepEqual(wrong, []);
  });

  test('every code: "…" and badRequest code is an issue code or an error code', () => {
    const wrong = scan.codeProps
      .filter((s) => !isIssueCode(s.code) && !isErrorCode(s.code) && !OTHER_CODES.has(s.code))
      .map((s) => `${s.where}: ${s.what} "${s.code}" is not in the catalogue`);
    assert.deepEqual(wrong, []);
  });

  test('a route answering by hand uses a catalogued code with its status', () => {
    const wrong = scan.replies.flatMap((s) => {
      const info = errorCodeInfo(s.code);
      if (!info) return [`${s.where}: error "${s.code}" is not in the catalogue`];
      if (s.status !== undefined && s.status !== info.httpStatus) {
        return [`${s.where}: "${s.code}" answered with ${s.status}; the catalogue says ${info.httpStatus}`];
      }
      return [];
    });
    assert.deepEqual(wrong, []);
  });

  test('every entry is used in src/', () => {
    const unused = [
      ...Object.entries(ERROR_CODES)
        .filter(([code, e]) => !('external' in e && e.external) && !scan.literals.has(code))
        .map(([code]) => `error code ${code}`),
      ...Object.keys(ISSUE_CODE_DOCS)
        .filter((code) => !scan.literals.has(code))
        .map((code) => `issue code ${code}`),
    ];
    assert.deepEqual(unused, []);
  });

  test('the classes of the catalogue are the error classes of src/', () => {
    const declared = [...scan.classes.keys()].sort();
    const catalogued = (Object.keys(ERROR_CLASSES) as ErrorClassName[]).filter((c) => c !== 'Reply').sort();
    assert.deepEqual(declared, catalogued);
    for (const cls of catalogued) {
      assert.ok(
        Object.values(ERROR_CODES).some((e) => e.class === cls),
        `${cls} has no code in the catalogue`,
      );
    }
  });

  test('exit code and status come from the entry, class fields included', () => {
    const usage = new UsageError('no_data', 'm');
    assert.deepEqual([usage.exitCode, usage.httpStatus], [2, 400]);
    const data = new DataError('missing_target', 'm');
    assert.deepEqual([data.exitCode, data.httpStatus], [2, 422]);
    const noLog = new DataError('no_log', 'm');
    assert.deepEqual([noLog.exitCode, noLog.httpStatus], [2, 503]);
    const invalid = new ValidationError([{ path: 'X', code: 'feature_count', message: 'm' }]);
    assert.deepEqual([invalid.exitCode, invalid.httpStatus], [2, 400]);
    const log = new LogWriteError('log_write_failed', 'm');
    assert.equal(log.httpStatus, errorCodeInfo('log_write_failed')?.httpStatus);
  });

  test('docs/errors.md is up to date (node --import tsx test/core/error-docs.ts rewrites it)', () => {
    assert.equal(readFileSync(ERRORS_MD, 'utf8'), errorsMarkdown());
  });
});
