/**
 * File names that are safe on every drive a DJ plugs in: FAT32 and exFAT
 * USB sticks (and so Windows and macOS too). Those refuse `<>:"/\|?*` and
 * control characters, ignore trailing dots and spaces (so "Intro." and
 * "Intro" collide), reserve device names (CON, NUL, COM1, … even with an
 * extension), and cap a name at 255 UTF-16 units. We keep names shorter
 * (MAX_STEM) so deep destination folders stay under Windows' 260-character
 * path limit.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what FAT refuses
const ILLEGAL = /[<>:"/\\|?*\u0000-\u001f\u007f]/gu;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
export const MAX_STEM = 120;

export function sanitizeFileStem(raw: string, maxLength = MAX_STEM): string {
  let name = raw.normalize('NFC').replace(ILLEGAL, '_').replace(/\s+/gu, ' ').trim();
  name = truncate(name, maxLength).replace(/[. ]+$/u, '');
  if (!name) name = 'Untitled';
  if (RESERVED.test(name.split('.')[0]!.trim())) name = `_${name}`;
  return name;
}

/** A whole file name: a sanitized stem and a plain lower-case extension. */
export function sanitizeFileName(stem: string, extension: string): string {
  const ext = extension
    .replace(/^\./, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 8);
  const safeStem = sanitizeFileStem(stem);
  return ext ? `${safeStem}.${ext}` : safeStem;
}

/** Cuts to `max` UTF-16 units without splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return cut;
}

/**
 * Hands out names unique on a case-insensitive file system ("a.mp3" and
 * "A.MP3" are the same file on FAT): the second "Artist - Title.mp3"
 * becomes "Artist - Title (2).mp3".
 */
export class NameAllocator {
  private readonly taken = new Set<string>();

  reserve(name: string): boolean {
    const key = name.toLowerCase();
    if (this.taken.has(key)) return false;
    this.taken.add(key);
    return true;
  }

  allocate(stem: string, extension: string): string {
    const first = sanitizeFileName(stem, extension);
    if (this.reserve(first)) return first;
    const safeStem = sanitizeFileStem(stem, MAX_STEM - 6);
    const ext = first.slice(first.lastIndexOf('.'));
    for (let n = 2; ; n++) {
      const candidate = `${safeStem} (${n})${first.includes('.') ? ext : ''}`;
      if (this.reserve(candidate)) return candidate;
    }
  }
}

/** What a file-name pattern may name (`{artist} - {title}`); `{key}` is Camelot (8A), `{musicalKey}` musical (Am). */
export const FILE_NAME_FIELDS = [
  'artist',
  'title',
  'album',
  'genre',
  'year',
  'bpm',
  'key',
  'musicalKey',
  'n',
] as const;
export type FileNameField = (typeof FILE_NAME_FIELDS)[number];
export const DEFAULT_FILE_NAME_PATTERN = '{artist} - {title}';

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Null when the pattern is usable, else why not (an unknown `{name}`, or nothing that names a track). */
export function checkFileNamePattern(pattern: string): string | null {
  const names = [...pattern.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const unknown = names.find((n) => !(FILE_NAME_FIELDS as readonly string[]).includes(n));
  if (unknown) return `Unknown {${unknown}} (known: ${FILE_NAME_FIELDS.map((f) => `{${f}}`).join(' ')})`;
  if (!names.some((n) => n === 'title' || n === 'n')) return 'A file-name pattern needs {title} or {n}';
  return null;
}

/**
 * A file stem from a pattern: each `{field}` replaced by the track's value
 * (empty when it has none), then separators left dangling by empty values
 * tidied away, so `{bpm} {key} - {artist} - {title}` for a track with no
 * BPM, key or artist is just the title. Not yet sanitized for the drive.
 */
export function renderFileStem(
  pattern: string,
  values: Partial<Record<FileNameField, string | number | null>>,
): string {
  const filled = pattern.replace(PLACEHOLDER, (_, name: string) => {
    const v = values[name as FileNameField];
    return v === null || v === undefined ? '' : String(v);
  });
  return filled
    .replace(/\(\s*\)|\[\s*\]/gu, '') // "()" around an empty value
    .replace(/(\s*[-–—_]\s*){2,}/gu, ' - ') // "A -  - B" where a value was empty
    .replace(/\s+/gu, ' ')
    .replace(/^[\s\-–—_,]+|[\s\-–—_,]+$/gu, '');
}
