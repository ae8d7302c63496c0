/**
 * Column names and other file-supplied text as they appear in messages: a header may hold a name
 * of hundreds of kilobytes (or a list of thousands of names), and an error must stay readable
 * without echoing all of it back.
 */

const MAX_CHARS = 60;
const MAX_ITEMS = 30;

/** `s` cut to `max` characters, saying how long it really was. */
export function clip(s: string, max = MAX_CHARS): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max)}… (${s.length.toLocaleString('en')} characters)`;
}

/** A column name for a message: quoted, clipped. */
export function showName(name: string): string {
  return `"${clip(name)}"`;
}

/** Names for a list in a message, comma-separated: each clipped (and quoted if asked), at most 30. */
export function showNames(names: readonly string[], quote = false): string {
  return showItems(
    names.slice(0, MAX_ITEMS + 1).map((n) => (quote ? showName(n) : clip(n))),
    names.length,
  );
}

/** Already formatted items, comma-separated, at most 30 of `total` (default: all of them). */
export function showItems(items: readonly string[], total = items.length): string {
  const shown = items.slice(0, MAX_ITEMS);
  const more = total - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more.toLocaleString('en')} more` : shown.join(', ');
}
