/**
 * `Authorization: Bearer <token>` for the admin routes. The scheme is case-insensitive and may be
 * followed by several spaces (RFC 7235 §2.1: `bearer`, `BEARER` are the same scheme). Both tokens are hashed to sha256 first,
 * so the comparison takes the same time whatever the received token's length or content
 * (timingSafeEqual needs equal lengths; comparing digests gives that without leaking the length).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** What an `Authorization` header amounts to. */
export type BearerVerdict = 'ok' | 'missing' | 'malformed' | 'wrong';

const BEARER = /^bearer +([\x21-\x7e]+)$/i;

/** A checker of `Authorization` headers against `token` (which must not be empty). */
export function bearerChecker(token: string): (header: string | string[] | undefined) => BearerVerdict {
  if (!token) throw new Error('bearerChecker: the admin token is empty');
  const want = digest(token);
  return (header) => {
    if (header === undefined || header === '') return 'missing';
    if (typeof header !== 'string') return 'malformed';
    const m = BEARER.exec(header.trim());
    if (!m) return 'malformed';
    return timingSafeEqual(digest(m[1]), want) ? 'ok' : 'wrong';
  };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
