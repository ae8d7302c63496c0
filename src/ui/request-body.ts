/** The bodies of the UI's writes: a JSON object whose fields are checked with messages naming them. */
import { UsageError } from '../core/errors.js';

/** `body` as a JSON object, else `bad_body`. */
export function bodyOf(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new UsageError('bad_body', 'The body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** A string field; absent, null and '' are undefined, anything else but a string is `bad_body`. */
export function optionalString(b: Record<string, unknown>, key: string): string | undefined {
  const v = b[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string')
    throw new UsageError('bad_body', `${key} must be a string; got ${JSON.stringify(v)}`);
  return v;
}
