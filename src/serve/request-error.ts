/** A request the server cannot read (wrong shape, bad query flag, ...): always HTTP 400. */
import type { CodeOf, FieldIssueCode } from '../core/error-codes.js';
import { type Issue, TabflowError } from '../core/errors.js';

/** A request the server cannot read, with every issue found. */
export class RequestError extends TabflowError<CodeOf<'RequestError'>> {
  readonly issues: Issue[];
  constructor(issues: Issue[], summary = 'Invalid request') {
    const detail = issues
      .slice(0, 5)
      .map((i) => i.message)
      .join('; ');
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    super('invalid_request', `${summary}: ${detail}${more}`);
    this.issues = issues;
  }
}

/** A RequestError with one issue. */
export function badRequest(path: string, code: FieldIssueCode, message: string): RequestError {
  return new RequestError([{ path, code, message }]);
}
