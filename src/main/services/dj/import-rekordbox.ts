import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import { CallError } from '../../../shared/contract/define';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../db/database';
import type { LibraryTracksTable } from '../library/tables';
import { djDb, reusable, type DjDb } from './dj-db';
import type { ListStore } from './lists';
import { trackLabel } from './track-rows';

/**
 * Imports a Rekordbox XML collection (`rekordbox.xml`, as Rekordbox, Serato,
 * Traktor, Mixxx or this app's own export write it) into the library's DJ
 * lists: every PLAYLISTS node under ROOT, folders (Type 0) as folders and
 * playlists (Type 1) as crates in their order, nested as they were.
 *
 * A playlist's TRACK is a TrackID of the COLLECTION (KeyType 0) or a
 * Location (KeyType 1). Each is matched to a library track:
 * 1. by path: the Location's file (`file://localhost/…`, percent-encoded);
 * 2. by the path's end: an export writes locations from the root of the
 *    stick, so a library that holds those files under another mount point
 *    (or the originals, named alike) is found by the longest common tail
 *    of at least the file name and its folder;
 * 3. by title and artist (case folded) and a duration within 2 s.
 * Entries matched by none are reported with their name, artist and
 * location, never added.
 */

export interface RekordboxImportResult {
  /** The lists made, in document order (folders and crates). */
  listIds: number[];
  matched: number;
  unmatched: Array<{ name: string; artist: string; location: string; list: string }>;
}

interface CollectionTrack {
  name: string;
  artist: string;
  location: string;
  totalTimeSeconds: number | null;
}

interface XmlNode {
  Name?: string;
  Type?: string;
  KeyType?: string;
  NODE?: XmlNode[];
  TRACK?: Array<{ Key?: string }>;
}

/** What matching reads of a library track. */
const MATCH_COLUMNS = ['id', 'title', 'artist', 'path', 'duration_ms', 'status'] as const;
type LibraryRow = Pick<Selectable<LibraryTracksTable>, (typeof MATCH_COLUMNS)[number]>;

const MAX_NODES = 10_000;

export async function importRekordboxXml(
  db: Db,
  lists: ListStore,
  input: { path: string; parentId: number | null },
): Promise<RekordboxImportResult> {
  const text = await readFile(input.path, 'utf8').catch(() => {
    throw new CallError('not_found', `Cannot read ${input.path}`);
  });
  const { collection, root } = parseRekordboxXml(text);
  const matcher = new TrackMatcher(db);
  const result: RekordboxImportResult = { listIds: [], matched: 0, unmatched: [] };
  let nodes = 0;
  const importNode = (node: XmlNode, parentId: number | null) => {
    if (++nodes > MAX_NODES)
      throw new CallError('invalid_input', `The XML has more than ${MAX_NODES} playlists and folders`);
    const name = (node.Name ?? '').trim() || 'Untitled';
    if (node.Type === '0') {
      const id = createFree(lists, 'folder', name, parentId);
      result.listIds.push(id);
      for (const child of node.NODE ?? []) importNode(child, id);
      return;
    }
    const id = createFree(lists, 'crate', name, parentId);
    result.listIds.push(id);
    const entries: { ref: { source: 'local'; id: number }; label: string }[] = [];
    for (const entry of node.TRACK ?? []) {
      const key = entry.Key ?? '';
      const track =
        node.KeyType === '1'
          ? { name: '', artist: '', location: key, totalTimeSeconds: null }
          : collection.get(key);
      const row = track ? matcher.match(track) : null;
      if (row) entries.push({ ref: { source: 'local', id: row.id }, label: trackLabel(row) });
      else
        result.unmatched.push({
          name: track?.name ?? '',
          artist: track?.artist ?? '',
          location: track?.location ?? `TrackID ${key}`,
          list: name,
        });
    }
    if (entries.length) result.matched += lists.addItems(id, entries, null).added;
  };
  db.transaction(() => {
    for (const child of root.NODE ?? []) importNode(child, input.parentId);
  })();
  return result;
}

/** The COLLECTION by TrackID and the ROOT playlist node; a clear error for anything that is not a Rekordbox XML. */
export function parseRekordboxXml(text: string): { collection: Map<string, CollectionTrack>; root: XmlNode } {
  let doc: Record<string, unknown>;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      parseAttributeValue: false,
      processEntities: true,
      isArray: (name) => name === 'TRACK' || name === 'NODE',
    }).parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new CallError('invalid_input', `Not a readable XML file: ${(error as Error).message}`);
  }
  const top = doc.DJ_PLAYLISTS as
    { COLLECTION?: { TRACK?: Record<string, string>[] }; PLAYLISTS?: { NODE?: XmlNode[] } } | undefined;
  if (!top || typeof top !== 'object')
    throw new CallError('invalid_input', 'Not a Rekordbox XML file (no DJ_PLAYLISTS element)');
  const collection = new Map<string, CollectionTrack>();
  for (const t of top.COLLECTION?.TRACK ?? []) {
    if (!t.TrackID) continue;
    const seconds = Number(t.TotalTime);
    collection.set(t.TrackID, {
      name: t.Name ?? '',
      artist: t.Artist ?? '',
      location: t.Location ?? '',
      totalTimeSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : null,
    });
  }
  const roots = top.PLAYLISTS?.NODE ?? [];
  // The one ROOT folder holds everything; a file without it is read as if its nodes were ROOT's.
  const root =
    roots.length === 1 && roots[0]!.Type === '0' && (roots[0]!.Name ?? '').toUpperCase() === 'ROOT'
      ? roots[0]!
      : { NODE: roots };
  return { collection, root };
}

/** `file://localhost/Music/a%20b.mp3` → `/Music/a b.mp3`; `file://localhost/E:/x.mp3` → `E:/x.mp3`; null if not a file URL. */
export function locationToPath(location: string): string | null {
  const m = /^file:\/\/(?:localhost)?(\/.*)$/i.exec(location.trim());
  if (!m) return null;
  let path: string;
  try {
    path = decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
  return /^\/[a-z]:\//i.test(path) ? path.slice(1) : path;
}

class TrackMatcher {
  private byName: Map<string, LibraryRow[]> | null = null;
  private readonly db: DjDb;
  /** Run once or twice per collection track: compiled once (see `reusable`). */
  private readonly byPathQuery;

  constructor(db: Db) {
    this.db = djDb(db);
    this.byPathQuery = reusable((path: string) => this.tracks().where('path', '=', path), ['?path']);
  }

  private byPath(path: string): LibraryRow | undefined {
    return this.db.get(this.byPathQuery(path));
  }

  private byTags(title: string, artist: string): LibraryRow[] {
    return this.db.all(
      this.tracks()
        .where('title', '=', sql<string>`${title} COLLATE NOCASE`)
        .where('artist', '=', sql<string>`${artist} COLLATE NOCASE`),
    );
  }

  private tracks() {
    return this.db.q.selectFrom('library_tracks').select(MATCH_COLUMNS);
  }

  match(track: CollectionTrack): LibraryRow | null {
    const path = locationToPath(track.location);
    if (path) {
      const exact = this.byPath(path) ?? this.byPath(path.replace(/\//g, '\\'));
      if (exact) return exact;
      const tail = this.byTail(path);
      if (tail) return tail;
    }
    if (!track.name) return null;
    const rows = this.byTags(track.name, track.artist);
    const fits = rows.filter(
      (r) => track.totalTimeSeconds === null || Math.abs(r.duration_ms / 1000 - track.totalTimeSeconds) <= 2,
    );
    return best(fits, (r) =>
      track.totalTimeSeconds === null ? 0 : Math.abs(r.duration_ms / 1000 - track.totalTimeSeconds),
    );
  }

  /** The library track sharing the longest tail of path segments (file name and folder at least) with `path`. */
  private byTail(path: string): LibraryRow | null {
    const segments = splitPath(path);
    const name = segments.at(-1)?.toLowerCase();
    if (!name || segments.length < 2) return null;
    const candidates = this.names().get(name) ?? [];
    let bestRow: LibraryRow | null = null;
    let bestShared = 1;
    for (const row of candidates) {
      const theirs = splitPath(row.path);
      let shared = 0;
      while (
        shared < Math.min(theirs.length, segments.length) &&
        theirs.at(-1 - shared)!.toLowerCase() === segments.at(-1 - shared)!.toLowerCase()
      )
        shared++;
      if (
        shared > bestShared ||
        (shared === bestShared && bestRow && bestRow.status !== 'ok' && row.status === 'ok')
      ) {
        bestRow = row;
        bestShared = shared;
      }
    }
    return bestRow;
  }

  private names(): Map<string, LibraryRow[]> {
    if (this.byName) return this.byName;
    const map = new Map<string, LibraryRow[]>();
    for (const row of this.db.all(this.tracks())) {
      const name = splitPath(row.path).at(-1)?.toLowerCase();
      if (!name) continue;
      const list = map.get(name);
      if (list) list.push(row);
      else map.set(name, [row]);
    }
    this.byName = map;
    return map;
  }
}

const splitPath = (p: string) => p.split(/[\\/]/).filter(Boolean);

/** The playable row first, then the lowest cost. */
function best(rows: LibraryRow[], cost: (r: LibraryRow) => number): LibraryRow | null {
  let found: LibraryRow | null = null;
  for (const r of rows) {
    if (!found) found = r;
    else if ((r.status === 'ok') !== (found.status === 'ok')) found = r.status === 'ok' ? r : found;
    else if (cost(r) < cost(found)) found = r;
  }
  return found;
}

/** Creates the list, adding " (2)", " (3)" … to its name when one of that name is already there. */
function createFree(
  lists: ListStore,
  kind: 'folder' | 'crate',
  name: string,
  parentId: number | null,
): number {
  for (let n = 1; ; n++) {
    try {
      return lists.create({ kind, name: n === 1 ? name : `${name} (${n})`, parentId });
    } catch (error) {
      if (!(error instanceof CallError) || error.code !== 'conflict' || n >= 100) throw error;
    }
  }
}
