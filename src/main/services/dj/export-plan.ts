import { extname, join, relative, sep } from 'node:path';
import { formatKey, parseKey } from '../../../shared/musical-key';
import type { AudioFileInfo } from '../library/tags/read-audio-file';
import {
  DEFAULT_FILE_NAME_PATTERN,
  MAX_STEM,
  NameAllocator,
  renderFileStem,
  sanitizeFileStem,
} from './file-names';
import type { M3uEntry } from './playlist-files';
import { rekordboxKind, type RekordboxTrack } from './rekordbox-xml';

/** One track to export, resolved by the domain from a list's items. */
export interface ExportSource {
  /** Stable key for the manifest, e.g. `local:12` or `coop:abc`. */
  key: string;
  label: string;
  title: string;
  artist: string;
  album: string;
  genre: string;
  durationMs: number;
  bpm: number | null;
  /** The key as the tag has it, any notation. */
  tagKey: string | null;
  year: number | null;
  /** When it entered the library (local tracks). */
  addedAt?: number | null;
  /** The audio file to copy; null with a reason when there is none. */
  file: string | Buffer | null;
  missingReason?: string;
}

export interface ManifestEntry {
  name: string;
  size: number;
  sourceSize: number;
  sourceMtimeMs: number;
}
export interface Manifest {
  version: 1;
  listId: number;
  /** The file-name pattern the names were made with (absent: the default). */
  pattern?: string;
  files: Record<string, ManifestEntry>;
}

/** A source whose file is there and whole: its size, mtime and tags (null for a non-UTF-8 path, not read). */
export interface PresentFile {
  source: ExportSource;
  /** The source's file (never null here). */
  file: string | Buffer;
  size: number;
  mtimeMs: number;
  info: AudioFileInfo | null;
}

/** A present file with the name it gets in the export's music folder. */
export interface PlannedFile extends PresentFile {
  name: string;
}

/**
 * A stable, unique file name per present file, in list order, and the
 * names of an earlier run's files to remove once the new ones are whole.
 * Names made with another pattern are not kept (the manifest's entries are
 * dropped and it takes the new pattern); otherwise an earlier run's name
 * is kept while the track would still get it (so a "(2)" stays with its
 * track), and a changed tag or position renames the file.
 */
export function planFileNames(
  present: PresentFile[],
  manifest: Manifest,
  pattern: string,
): { planned: PlannedFile[]; renamed: string[] } {
  const samePattern = (manifest.pattern ?? DEFAULT_FILE_NAME_PATTERN) === pattern;
  const renamed: string[] = samePattern ? [] : Object.values(manifest.files).map((e) => e.name);
  if (!samePattern) manifest.files = {};
  manifest.pattern = pattern;
  const stems = fileStems(present, pattern);
  const names = new NameAllocator();
  // Every earlier name that still fits is reserved before any new name is made, so none is taken from it.
  const kept = present.map((p, i) => {
    const earlier = manifest.files[p.source.key];
    const fits = earlier !== undefined && nameFitsStem(earlier.name, stems[i]!);
    return earlier && fits && names.reserve(earlier.name) ? earlier.name : null;
  });
  const planned = present.map((p, i) => ({
    ...p,
    name: kept[i] ?? names.allocate(stems[i]!, extname(sourcePathText(p.file))),
  }));
  for (const [key, entry] of Object.entries(manifest.files)) {
    // Files whose track now gets another name are replaced by the new one.
    const p = planned.find((x) => x.source.key === key);
    if (p && p.name !== entry.name) renamed.push(entry.name);
  }
  return { planned, renamed };
}

/** Each file's name stem from the pattern (its title when the pattern renders nothing). */
function fileStems(present: PresentFile[], pattern: string): string[] {
  return present.map((p, i) => {
    const s = p.source;
    const key = s.tagKey ? parseKey(s.tagKey) : null;
    const stem = renderFileStem(pattern, {
      artist: s.artist,
      title: s.title,
      album: s.album,
      genre: s.genre,
      year: s.year,
      bpm: s.bpm === null ? null : Math.round(s.bpm),
      key: key ? formatKey(key, 'camelot') : null,
      musicalKey: key ? formatKey(key, 'musical') : null,
      n: String(i + 1).padStart(String(present.length).length, '0'),
    });
    return stem || s.title;
  });
}

function sourcePathText(file: string | Buffer): string {
  return typeof file === 'string' ? file : file.toString('latin1');
}

/** Whether a file name is what `NameAllocator` makes of this stem: the stem itself, or the stem and " (n)". */
function nameFitsStem(name: string, stem: string): boolean {
  const base = name.replace(/\.[^.]*$/, '').toLowerCase();
  if (base === sanitizeFileStem(stem).toLowerCase()) return true;
  const short = sanitizeFileStem(stem, MAX_STEM - 6).toLowerCase();
  return base.startsWith(short) && /^ \(\d+\)$/.test(base.slice(short.length));
}

/** The m3u8's entries: paths relative to the playlist, in list order. */
export function playlistEntries(planned: PlannedFile[], musicFolderName: string): M3uEntry[] {
  return planned.map((p) => ({
    relativePath: `${musicFolderName}/${p.name}`,
    durationSeconds: p.source.durationMs / 1000,
    artist: p.source.artist,
    title: p.source.title,
  }));
}

/** The rekordbox collection's tracks, numbered in list order, each with its path from the drive's root. */
export function rekordboxTracks(
  planned: PlannedFile[],
  driveRoot: string,
  musicFolder: string,
): RekordboxTrack[] {
  return planned.map((p, i) => {
    const key = p.source.tagKey ? parseKey(p.source.tagKey) : null;
    return {
      trackId: i + 1,
      name: p.source.title,
      artist: p.source.artist,
      album: p.source.album,
      genre: p.source.genre,
      kind: rekordboxKind(extname(p.name)),
      sizeBytes: p.size,
      totalTimeSeconds: p.source.durationMs / 1000,
      bpm: p.source.bpm,
      tonality: key ? formatKey(key, 'musical') : null,
      year: p.source.year ?? p.info?.year ?? null,
      trackNumber: p.info?.trackNo ?? null,
      bitRateKbps: p.info?.bitrate ? Math.round(p.info.bitrate / 1000) : null,
      sampleRate: p.info?.sampleRate ?? null,
      dateAdded: p.source.addedAt ?? null,
      comments: p.info?.comment ?? '',
      pathOnDrive: `/${relative(driveRoot, join(musicFolder, p.name)).split(sep).join('/')}`,
    };
  });
}
