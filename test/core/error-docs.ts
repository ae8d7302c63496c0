/**
 * docs/errors.md, generated from the catalogue (src/core/error-codes.ts). The catalogue test
 * checks the file is up to date; to rewrite it after changing the catalogue:
 *   node --import tsx test/core/error-docs.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ERROR_CLASSES,
  ERROR_CODES,
  type ErrorCode,
  errorCodeInfo,
  ISSUE_CODE_DOCS,
} from '../../src/core/error-codes.js';

export const ERRORS_MD = fileURLToPath(new URL('../../docs/errors.md', import.meta.url));

const exit = (n: number | null) => (n === null ? '—' : String(n));
const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The markdown of docs/errors.md. */
export function errorsMarkdown(): string {
  const classes = Object.entries(ERROR_CLASSES).map(
    // Reply codes each have their own status: the class has none to give.
    ([name, c]) =>
      `| ${name} | ${exit(c.exitCode)} | ${c.exitCode === null ? 'each its own' : c.httpStatus} | ${cell(c.doc)} |`,
  );
  const codes = (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => {
    const i = errorCodeInfo(code)!;
    const shownExit = ERROR_CLASSES[i.class].exitCode === null ? '—' : String(i.exitCode);
    return `| \`${code}\` | ${i.class} | ${shownExit} | ${i.httpStatus} | ${cell(i.doc)} |`;
  });
  const issues = Object.entries(ISSUE_CODE_DOCS).map(([code, doc]) => `| \`${code}\` | ${cell(doc)} |`);
  return [
    '# Error codes',
    '',
    '<!-- Generated from src/core/error-codes.ts by `node --import tsx test/core/error-docs.ts`; do not edit. -->',
    '',
    'Every error tabflow reports has a stable code. The CLI prints `error: <message>` (never a stack',
    "trace) and exits with the code's exit code; the server answers with its HTTP status and",
    '`{error: <code>, message, request_id, issues?}`. Other exit codes: 0 done, 3 a threshold said',
    'no (`models promote` refused by the gate, a `monitor` alarm), 1 an unexpected error.',
    '',
    '## Classes',
    '',
    "A code's exit code and status are its class's unless its row below says otherwise.",
    '',
    '| class | exit | HTTP | what |',
    '|---|---|---|---|',
    ...classes,
    '',
    '## Error codes',
    '',
    '| code | class | exit | HTTP | meaning |',
    '|---|---|---|---|---|',
    ...codes,
    '',
    '## Issue codes',
    '',
    'The `code` of each entry of `issues` (config keys, request fields, columns), and of the',
    '`errors` and `warnings` of predicted rows and the verdicts of feedback items.',
    '',
    '| code | meaning |',
    '|---|---|',
    ...issues,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ERRORS_MD, errorsMarkdown());
  console.log(`wrote ${ERRORS_MD}`);
}
