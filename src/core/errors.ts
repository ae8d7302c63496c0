/**
 * Typed errors. Every error a user can cause names the thing at fault (file, column, key,
 * parameter), what was received and what is allowed. Each class takes only its own codes from
 * the catalogue (error-codes.ts), which also gives each code its `exitCode` (the CLI) and
 * `httpStatus` (the server); neither prints a stack trace for a TabflowError.
 */
import { type CodeOf, type ErrorCode, errorCodeInfo, type FieldIssueCode } from './error-codes.js';

/** One problem found in a config or in input rows: where, a stable code, and a message for people. */
export interface Issue {
  /** Where the problem is: a config key path, a column name, a field. */
  path: string;
  /** Stable machine-readable code from the catalogue's ISSUE_CODE_DOCS, e.g. `missing_column`. */
  code: FieldIssueCode;
  message: string;
}

/**
 * The base of every tabflow error. Abstract: a code is thrown as the class the catalogue gives it,
 * so `instanceof DataError` and the code always agree.
 */
export abstract class TabflowError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  /** The CLI's exit code for this error: its catalogue entry's (1 for a code not in it). */
  readonly exitCode: number;
  /** The server's HTTP status for this error: its catalogue entry's (500 for a code not in it). */
  readonly httpStatus: number;
  constructor(code: C, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    // Looked up, not typed per class: a code carried across a thread keeps its own status.
    const info = errorCodeInfo(code);
    this.exitCode = info?.exitCode ?? 1;
    this.httpStatus = info?.httpStatus ?? 500;
  }
}

/** Wrong usage: a missing, bad or conflicting option, an unknown name, a state that forbids the action. */
export class UsageError extends TabflowError<CodeOf<'UsageError'>> {}

/** A config value that breaks its rule; `issues` lists every problem, not just the first. */
export class ConfigError extends TabflowError<CodeOf<'ConfigError'>> {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super('invalid_config', ConfigError.describe(issues));
    this.issues = issues;
  }
  /** The message: the one problem, or a list of them. */
  static describe(issues: Issue[]): string {
    if (issues.length === 1) return `Invalid config: ${issues[0].message}`;
    return `Invalid config (${issues.length} problems):\n${issues.map((i) => `  - ${i.message}`).join('\n')}`;
  }
}

/** Input data that cannot be used: missing file, bad format, absent target, ... */
export class DataError extends TabflowError<CodeOf<'DataError'>> {}

/** Rows handed to a fitted component that do not match what it was fitted on. */
export class ValidationError extends TabflowError<CodeOf<'ValidationError'>> {
  readonly issues: Issue[];
  constructor(issues: Issue[], summary = 'Input validation failed') {
    super('invalid_input', `${summary}:\n${issues.map((i) => `  - ${i.message}`).join('\n')}`);
    this.issues = issues;
  }
}

/** A model failed to fit or predict (numerical trouble, budget exceeded, ...). */
export class ModelError extends TabflowError<CodeOf<'ModelError'>> {}

/** An artifact is unreadable, of an unknown kind, from a newer format, or does not belong to its run. */
export class ArtifactError extends TabflowError<CodeOf<'ArtifactError'>> {}

/** Predict called with the wrong number of features. */
export function checkFeatureCount(kind: string, expected: number, got: number, method = 'predict'): void {
  if (expected !== got) {
    throw new ValidationError(
      [
        {
          path: 'X',
          code: 'feature_count',
          message: `${kind} was fitted with ${expected} features but ${got} were passed to ${method}()`,
        },
      ],
      'Wrong feature count',
    );
  }
}
