/**
 * Turns what the user typed into an FTS5 query: every word must match as a
 * prefix ("beat ang" finds "Beatles – Angie"). Words are quoted, so FTS
 * syntax characters typed by the user (`"`, `*`, `-`, `:`, `(`) are plain
 * text and never an error. Accents are folded by the index's tokenizer.
 *
 * @param column restrict to one indexed column (title, artist, album, genre).
 */
export function ftsQuery(text: string, column?: 'title' | 'artist' | 'album' | 'genre'): string | null {
  const words = text.normalize('NFC').match(/[\p{L}\p{N}]+/gu);
  if (!words || words.length === 0) return null;
  const terms = words
    .slice(0, 12)
    .map((w) => `"${w}"*`)
    .join(' ');
  return column ? `{${column}} : (${terms})` : terms;
}
