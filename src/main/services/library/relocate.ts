import { stat } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
import { assert } from '../../../shared/assert';
import { CallError } from '../../../shared/contract/define';
import type { Db } from '../db/database';
import { typedDb } from '../db/typed-query';
import { fillFromNames } from './tags/names-fallback';
import { FileProblem, fingerprintFile, readAudioFile, type AudioFileInfo } from './tags/read-audio-file';
import type { LibraryWriter } from './scan/library-writer';
import { walkFolder, type FoundFile } from './scan/walk';
import type { LibraryTables } from './tables';

/**
 * "Relocate…" for a track whose file is missing: the user points at the
 * file, or at a folder to look in, and the track is bound to it, keeping
 * its id, play count and lists. A file is the track's when it has the same
 * content fingerprint, else when its tags and length say it is the same
 * recording (re-encoded or re-tagged copies): same title and artist, and a
 * length within `LENGTH_SLACK_MS`. Anything else is refused, naming why.
 */
export interface RelocateDeps {
  db: Db;
  writer: LibraryWriter;
  folders: { id: number; path: string }[];
  nowMs: number;
}

export interface RelocateResult {
  /** The file the track now plays from. */
  path: string;
  /** How it was recognised. */
  matchedBy: 'fingerprint' | 'tags';
}

const LENGTH_SLACK_MS = 2000;
/** A folder is searched up to this many audio files deep (a whole drive would take minutes). */
const MAX_FILES = 20_000;
/** Files whose tags are read when no fingerprint matched (reading tags costs a few reads each). */
const MAX_TAG_READS = 5000;

interface Wanted {
  id: number;
  size: number;
  fingerprint: string;
  title: string;
  artist: string;
  durationMs: number;
  status: string;
}

export async function relocateTrack(
  deps: RelocateDeps,
  trackId: number,
  target: string,
): Promise<RelocateResult> {
  const db = typedDb<LibraryTables>(deps.db);
  const wanted: Wanted | undefined = db.get(
    db.q
      .selectFrom('library_tracks')
      .select(['id', 'size', 'fingerprint', 'title', 'artist', 'duration_ms as durationMs', 'status'])
      .where('id', '=', trackId),
  );
  if (!wanted) throw new CallError('not_found', 'No such track.');
  const path = resolve(target);
  const info = await stat(path).catch(() => null);
  if (!info) throw new CallError('not_found', `There is no file or folder at ${path}.`);
  const candidates = info.isDirectory() ? await filesIn(path) : [path];
  const match = await findMatch(wanted, candidates, info.isDirectory());
  if (!match) {
    throw new CallError(
      'invalid_input',
      info.isDirectory()
        ? `No file in ${path} is “${wanted.title}”${wanted.artist ? ` by ${wanted.artist}` : ''} (same content, or same title, artist and length).`
        : `${basename(path)} is not “${wanted.title}”${wanted.artist ? ` by ${wanted.artist}` : ''}: its content, tags or length differ.`,
    );
  }
  const folder = deps.folders.find((f) => isInside(f.path, match.path));
  if (!folder) {
    throw new CallError(
      'invalid_input',
      `${match.path} is outside the library folders: add its folder to the library first.`,
    );
  }
  bind(deps, wanted.id, folder, match.path, match.info);
  return { path: match.path, matchedBy: match.by };
}

async function filesIn(dir: string): Promise<string[]> {
  const listing = await walkFolder(dir, undefined, undefined, { statFiles: true });
  return listing.files
    .filter((f: FoundFile) => f.bytes === null)
    .slice(0, MAX_FILES)
    .map((f) => f.path);
}

async function findMatch(
  wanted: Wanted,
  files: string[],
  searching: boolean,
): Promise<{ path: string; info: AudioFileInfo; by: 'fingerprint' | 'tags' } | null> {
  // Same content first: only files of the same size can have the same fingerprint.
  for (const file of files) {
    const size = searching ? (await stat(file).catch(() => null))?.size : undefined;
    if (searching && size !== wanted.size) continue;
    const print = await fingerprintFile(file).catch(() => null);
    if (print?.fingerprint === wanted.fingerprint) {
      const info = await readOrNull(file);
      if (info) return { path: file, info, by: 'fingerprint' };
    }
  }
  for (const file of files.slice(0, MAX_TAG_READS)) {
    const info = await readOrNull(file);
    if (info && sameRecording(wanted, info)) return { path: file, info, by: 'tags' };
  }
  return null;
}

function sameRecording(wanted: Wanted, info: AudioFileInfo): boolean {
  const same = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();
  return (
    wanted.title !== '' &&
    same(wanted.title, info.title) &&
    same(wanted.artist, info.artist) &&
    Math.abs(wanted.durationMs - info.durationMs) <= LENGTH_SLACK_MS
  );
}

async function readOrNull(file: string): Promise<AudioFileInfo | null> {
  try {
    return await readAudioFile(file);
  } catch (error) {
    if (error instanceof FileProblem) return null;
    throw error;
  }
}

/**
 * Points the track at its new file. A row the scan may already have made
 * for that file (a "new" track with the plays since) is folded in: its
 * plays are added to the track's, and the row goes.
 */
function bind(
  deps: RelocateDeps,
  id: number,
  folder: { id: number; path: string },
  path: string,
  info: AudioFileInfo,
): void {
  const { writer } = deps;
  const db = typedDb<LibraryTables>(deps.db);
  const { q } = db;
  const segments = relative(folder.path, path).split(sep).filter(Boolean);
  const names = fillFromNames(info, segments, basename(folder.path));
  writer.transaction(() => {
    const twin = db.get(
      q
        .selectFrom('library_tracks')
        .select(['id', 'play_count as plays', 'last_played_at as last'])
        .where('path', '=', path)
        .where('id', '!=', id),
    );
    if (twin) {
      const own = db.get(
        q.selectFrom('library_tracks').select('last_played_at as last').where('id', '=', id),
      );
      assert(own !== undefined, `track ${id} went away while it was being relocated`);
      const last = own.last === null || (twin.last !== null && twin.last > own.last) ? twin.last : own.last;
      db.run(
        q
          .updateTable('library_tracks')
          .set((eb) => ({ play_count: eb('play_count', '+', twin.plays), last_played_at: last }))
          .where('id', '=', id),
      );
      db.run(q.deleteFrom('library_tracks').where('id', '=', twin.id));
    }
    writer.updateTrack(
      id,
      { path, bytes: null, size: info.size, mtimeMs: info.mtimeMs, folderId: folder.id, info, names },
      deps.nowMs,
    );
    writer.clearProblem(path);
    writer.deleteOrphans();
  });
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
}
