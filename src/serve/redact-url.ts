/**
 * Request URLs as they may be written to a log: values of query parameters that look like
 * credentials (`?access_token=`, `?api_key=`, `?password=` …) and any known secret (the admin
 * token) wherever it appears are replaced by `[REDACTED]`. Clients put tokens in URLs even when
 * the server never reads them there; the log must not keep them.
 */

/** Parameter names whose values are secrets: OAuth's access_token, api keys, passwords, signatures. */
const SECRET_PARAM = /token|secret|passw|pwd|api[-_]?key|auth|credential|signature|^sig$|^key$|session/i;

/** What a redacted value becomes in a logged URL. */
export const REDACTED = '[REDACTED]';

/** `url` with secret query values and every occurrence of `secrets` (raw or percent-encoded) redacted. */
export function redactUrl(url: string, secrets: readonly string[] = []): string {
  let out = url;
  const q = out.indexOf('?');
  if (q >= 0) {
    const params = out
      .slice(q + 1)
      .split('&')
      .map((part) => {
        const eq = part.indexOf('=');
        const name = eq < 0 ? part : part.slice(0, eq);
        return eq >= 0 && SECRET_PARAM.test(decoded(name)) ? `${name}=${REDACTED}` : part;
      });
    out = `${out.slice(0, q)}?${params.join('&')}`;
  }
  for (const s of secrets) {
    if (!s) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
