/**
 * Typed errors. Every error a user can cause names the thing at fault (file, column, key,
 * parameter), what was received and what is allowed. The CLI maps `exitCode`, the server maps
 * `httpStatus`; neither prints a stack trace for a TabflowError.
 */

export interface Issue {
  /** Where the problem is: a config key path, a column name, a field. */
  path: string;
  /** Stable machine-readable code, e.g. `missing_column`, `out_of_range`. */
  code: string;
  message: string;
}

export class TabflowError extends Error {
  readonly code: string;
  readonly exitCode: number = 1;
  readonly httpStatus: number = 500;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Wrong command-line usage. */
export class UsageError extends TabflowError {
  override readonly exitCode = 2;
  override readonly httpStatus = 400;
}

/** A config value that breaks its rule; `issues` lists every problem, not just the first. */
export class ConfigError extends TabflowError {
  override readonly exitCode = 2;
  override readonly httpStatus = 400;
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super('invalid_config', ConfigError.describe(issues));
    this.issues = issues;
  }
  static describe(issues: Issue[]): string {
    if (issues.length === 1) return `Invalid config: ${issues[0].message}`;
    return `Invalid config (${issues.length} problems):\n${issues.map((i) => `  - ${i.message}`).join('\n')}`;
  }
}

/** Input data that cannot be used: missing file, bad format, absent target, ... */
export class DataError extends TabflowError {
  override readonly exitCode = 2;
  override readonly httpStatus = 422;
}

/** Rows handed to a fitted component that do not match what it was fitted on. */
export class ValidationError extends TabflowError {
  override readonly exitCode = 2;
  override readonly httpStatus = 422;
  readonly issues: Issue[];
  constructor(issues: Issue[], summary = 'Input validation failed') {
    super('invalid_input', `${summary}:\n${issues.map((i) => `  - ${i.message}`).join('\n')}`);
    this.issues = issues;
  }
}

/** A model failed to fit or predict (numerical trouble, budget exceeded, ...). */
export class ModelError extends TabflowError {}

/** An artifact is unreadable, of an unknown kind, from a newer format, or does not belong to its run. */
export class ArtifactError extends TabflowError {
  override readonly exitCode = 2;
}

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
