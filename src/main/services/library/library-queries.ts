import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database';
import type {
  LibraryAlbum,
  LibraryArtist,
  LibraryFolder,
  LibraryProblem,
  LibraryTrack,
  LibraryTrackDetails,
  TrackQuery,
  TrackSortField,
} from '../../../shared/contract/library';
import { displayPath } from './scan/paths';
import { TRACK_COLUMNS, toLibraryTrack, type TrackRow } from './track-rows';
import { ftsQuery } from './search-query';

/**
 * The ORDER BY terms of each sort. Each ends in a way an index can serve
 * (`(status, <column>)` indexes keep rowid order within equal values), so a
 * window deep into 100,000 rows does not sort the whole table; ties fall
 * back to id, so paging is stable.
 */
const SORT_TERMS: Record<TrackSortField, string[]> = {
  title: ['t.title COLLATE NOCASE'],
  artist: ['t.artist COLLATE NOCASE', 't.album COLLATE NOCASE', 't.disc_no', 't.track_no'],
  album: ['t.album COLLATE NOCASE', 't.disc_no', 't.track_no'],
  albumArtist: ['t.album_artist COLLATE NOCASE', 't.album COLLATE NOCASE', 't.disc_no', 't.track_no'],
  year: ['t.year'],
  genre: ['t.genre COLLATE NOCASE'],
  durationMs: ['t.duration_ms'],
  trackNo: ['t.track_no'],
  bpm: ['t.bpm'],
  key: ['t.musical_key'],
  format: ['t.codec'],
  playCount: ['t.play_count'],
  lastPlayedAt: ['t.last_played_at'],
  addedAt: ['t.added_at'],
  path: ['t.path'],
};

/** Searches whose matches are kept (as one byte per track id): the last few typed, scrolled and re-sorted. */
const MATCH_SETS_KEPT = 48;
/** Whole-library orders kept (one per sort and status: 4 bytes a track). */
const ORDERS_KEPT = 8;

/** The tracks of one status (or all), in one sort's ascending order; descending is the same read backwards. */
interface SortOrder {
  ids: Int32Array;
  /** 1 at each id in `ids`. */
  member: Uint8Array;
}

/** The tracks (any status) matching one search. */
interface MatchSet {
  ids: Int32Array;
  /** 1 at each id in `ids`. */
  bits: Uint8Array;
  /** Matches per status (or 'all'), counted when first asked. */
  totals: Map<string, number>;
}

function orderBy(field: TrackSortField, direction: 'ASC' | 'DESC'): string {
  return [...SORT_TERMS[field], 't.id'].map((term) => `${term} ${direction}`).join(', ');
}

/** Read-only questions the UI asks, all answered in SQL (sorting and paging included). */
export class LibraryQueries {
  private readonly statements = new Map<string, Statement<unknown[]>>();
  /** The database's state the caches below were built on (see `checkVersion`). */
  private version = '';
  private readonly orders = new Map<string, SortOrder>();
  private readonly matchSets = new Map<string, MatchSet>();

  constructor(private readonly db: Db) {}

  tracks(query: TrackQuery): { total: number; offset: number; rows: LibraryTrack[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status !== 'all') {
      where.push('t.status = ?');
      params.push(query.status);
    }
    if (query.albumId !== undefined) {
      where.push('t.album_id = ?');
      params.push(query.albumId);
    }
    if (query.artistId !== undefined) {
      where.push('t.artist_id = ?');
      params.push(query.artistId);
    }
    const direction = query.direction === 'desc' ? 'DESC' : 'ASC';
    const match = query.search === undefined ? null : ftsQuery(query.search);
    if (match) {
      const narrowed = query.albumId === undefined && query.artistId === undefined;
      if (narrowed) return this.searchedWindow(query, match, direction);
      where.push('t.id IN (SELECT rowid FROM library_tracks_fts WHERE library_tracks_fts MATCH ?)');
      params.push(match);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (
      this.db.prepare(`SELECT count(*) AS n FROM library_tracks t ${whereSql}`).get(...params) as {
        n: number;
      }
    ).n;
    const rows = this.db
      .prepare(
        `SELECT ${TRACK_COLUMNS} FROM library_tracks t ${whereSql}
         ORDER BY ${orderBy(query.sort, direction)} LIMIT ? OFFSET ?`,
      )
      .all(...params, query.limit, query.offset) as TrackRow[];
    return { total, offset: query.offset, rows: rows.map(toLibraryTrack) };
  }

  /**
   * A sorted window of the tracks matching a search (the track table's
   * search box), fast however many tracks match and however deep the
   * window: the matches are a set of ids (from the search index, kept for
   * the last searches) and the library's order for the sort a list of ids
   * (kept per sort); the window is the matches met walking that order
   * (forwards or backwards), a loop over a typed array even for 100,000
   * tracks. Both are dropped when the database changes.
   */
  private searchedWindow(query: TrackQuery, match: string, direction: 'ASC' | 'DESC') {
    this.checkVersion();
    const set = this.matchSet(match);
    if (set.ids.length === 0) return { total: 0, offset: query.offset, rows: [] };
    const order = this.sortOrder(query.sort, query.status);
    let total = set.totals.get(query.status);
    if (total === undefined) {
      total = 0;
      for (const id of set.ids) total += order.member[id] ?? 0;
      set.totals.set(query.status, total);
    }
    if (query.offset >= total) return { total, offset: query.offset, rows: [] };
    const wanted: number[] = [];
    const { ids } = order;
    const { bits } = set;
    const end = query.offset + query.limit;
    let seen = 0;
    if (direction === 'ASC') {
      for (let i = 0; i < ids.length && seen < end; i++) {
        const id = ids[i]!;
        if (bits[id] === 1 && seen++ >= query.offset) wanted.push(id);
      }
    } else {
      for (let i = ids.length - 1; i >= 0 && seen < end; i--) {
        const id = ids[i]!;
        if (bits[id] === 1 && seen++ >= query.offset) wanted.push(id);
      }
    }
    return { total, offset: query.offset, rows: this.rowsById(wanted).map(toLibraryTrack) };
  }

  /**
   * Drops the kept matches and orders when the database changed since they
   * were built: by this connection (total_changes) or another (data_version).
   */
  private checkVersion(): void {
    const row = this.stmt(
      'SELECT total_changes() AS c, (SELECT data_version FROM pragma_data_version) AS v',
    ).get() as { c: number; v: number };
    const version = `${row.c}:${row.v}`;
    if (version === this.version) return;
    this.version = version;
    this.orders.clear();
    this.matchSets.clear();
  }

  private matchSet(match: string): MatchSet {
    let set = this.matchSets.get(match);
    if (set) {
      this.matchSets.delete(match); // most recently used last
    } else {
      const ids = Int32Array.from(
        this.stmt('SELECT rowid FROM library_tracks_fts WHERE library_tracks_fts MATCH ?')
          .pluck()
          .all(match) as number[],
      );
      let max = 0;
      for (const id of ids) if (id > max) max = id;
      const bits = new Uint8Array(max + 1);
      for (const id of ids) bits[id] = 1;
      set = { ids, bits, totals: new Map() };
      if (this.matchSets.size >= MATCH_SETS_KEPT) this.matchSets.delete(this.matchSets.keys().next().value!);
    }
    this.matchSets.set(match, set);
    return set;
  }

  private sortOrder(sort: TrackSortField, status: TrackQuery['status']): SortOrder {
    const key = `${sort}\u0000${status}`;
    let order = this.orders.get(key);
    if (order) {
      this.orders.delete(key);
    } else {
      const where = status === 'all' ? '' : 'WHERE t.status = ?';
      const ids = Int32Array.from(
        this.stmt(`SELECT t.id FROM library_tracks t ${where} ORDER BY ${orderBy(sort, 'ASC')}`)
          .pluck()
          .all(...(status === 'all' ? [] : [status])) as number[],
      );
      let max = 0;
      for (const id of ids) if (id > max) max = id;
      const member = new Uint8Array(max + 1);
      for (const id of ids) member[id] = 1;
      order = { ids, member };
      if (this.orders.size >= ORDERS_KEPT) this.orders.delete(this.orders.keys().next().value!);
    }
    this.orders.set(key, order);
    return order;
  }

  /**
   * The best matching tracks, albums and artists, each limited before
   * anything is joined or grouped. Tracks are ranked (bm25) when few match (fewer than twice the limit);
   * for a broad prefix ("a", thousands of matches) ranking every match costs
   * more than typing allows, so the first matches (index order) are taken and each
   * keystroke narrows them. Albums and artists have small indexes of their
   * own (title and album artist; name), limited first, then counted.
   */
  search(
    text: string,
    limit: number,
  ): { tracks: LibraryTrack[]; albums: LibraryAlbum[]; artists: LibraryArtist[] } {
    const match = ftsQuery(text);
    if (!match) return { tracks: [], albums: [], artists: [] };
    // Over-fetch a little: a few matches may be missing files.
    let candidates = this.stmt(
      'SELECT rowid FROM library_tracks_fts WHERE library_tracks_fts MATCH ? LIMIT ?',
    )
      .pluck()
      .all(match, limit * 2) as number[];
    if (candidates.length > 1 && candidates.length < limit * 2) {
      // These are all the matches: few, so rank them.
      candidates = this.stmt(
        'SELECT rowid FROM library_tracks_fts WHERE library_tracks_fts MATCH ? ORDER BY rank LIMIT ?',
      )
        .pluck()
        .all(match, limit * 2) as number[];
    }
    const rows = this.rowsById(candidates).filter((r) => r.status === 'ok');
    let tracks: LibraryTrack[];
    if (rows.length < limit && candidates.length === limit * 2) {
      // Many missing files among the first matches: ask the slower, exact way.
      tracks = (
        this.stmt(
          `SELECT ${TRACK_COLUMNS} FROM library_tracks_fts f JOIN library_tracks t ON t.id = f.rowid
           WHERE library_tracks_fts MATCH ? AND t.status = 'ok' LIMIT ?`,
        ).all(match, limit) as TrackRow[]
      ).map(toLibraryTrack);
    } else {
      tracks = rows.slice(0, limit).map(toLibraryTrack);
    }
    const albumIds = this.stmt(
      'SELECT rowid FROM library_albums_fts WHERE library_albums_fts MATCH ? LIMIT ?',
    )
      .pluck()
      .all(match, limit) as number[];
    const albums = albumIds.length ? this.albumsWhere(`a.id IN (${albumIds.join(',')})`, [], limit, 0) : [];
    const artistIds = this.stmt(
      'SELECT rowid FROM library_artists_fts WHERE library_artists_fts MATCH ? LIMIT ?',
    )
      .pluck()
      .all(match, limit) as number[];
    const artists = artistIds.length
      ? this.artistsWhere(`ar.id IN (${artistIds.join(',')})`, [], limit, 0)
      : [];
    return { tracks, albums, artists };
  }

  /** Rows for ids, in the ids' order. */
  private rowsById(ids: number[]): TrackRow[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT ${TRACK_COLUMNS} FROM library_tracks t WHERE t.id IN (${ids.join(',')})`)
      .all() as TrackRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is TrackRow => r !== undefined);
  }

  /** Prepared statements, kept: preparing costs about as much as a small query. */
  private stmt(sql: string): Statement<unknown[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[]>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  track(id: number): LibraryTrackDetails | null {
    const row = this.db
      .prepare(
        `SELECT ${TRACK_COLUMNS}, t.track_of, t.size, t.mtime_ms, t.rg_track_gain, t.rg_track_peak, t.rg_album_gain,
           t.rg_album_peak, t.tags_from_names, f.path AS folder
         FROM library_tracks t JOIN library_folders f ON f.id = t.folder_id WHERE t.id = ?`,
      )
      .get(id) as
      | (TrackRow & {
          track_of: number | null;
          size: number;
          mtime_ms: number;
          rg_track_gain: number | null;
          rg_track_peak: number | null;
          rg_album_gain: number | null;
          rg_album_peak: number | null;
          tags_from_names: number;
          folder: string;
        })
      | undefined;
    if (!row) return null;
    return {
      ...toLibraryTrack(row),
      trackOf: row.track_of,
      codec: row.codec,
      container: row.container,
      size: row.size,
      modifiedAt: row.mtime_ms,
      folder: row.folder,
      replayGain: {
        trackGainDb: row.rg_track_gain,
        trackPeak: row.rg_track_peak,
        albumGainDb: row.rg_album_gain,
        albumPeak: row.rg_album_peak,
      },
      tagsFromNames: row.tags_from_names === 1,
    };
  }

  albums(offset: number, limit: number): { total: number; offset: number; rows: LibraryAlbum[] } {
    const total = (
      this.db
        .prepare("SELECT count(DISTINCT album_id) AS n FROM library_tracks WHERE status = 'ok'")
        .get() as { n: number }
    ).n;
    return { total, offset, rows: this.albumsWhere('1', [], limit, offset) };
  }

  album(id: number): { album: LibraryAlbum; tracks: LibraryTrack[] } | null {
    const [album] = this.albumsWhere('a.id = ?', [id], 1, 0);
    if (!album) return null;
    return { album, tracks: this.tracks(allOf({ albumId: id, sort: 'trackNo' })).rows.sort(byDiscAndTrack) };
  }

  artists(offset: number, limit: number): { total: number; offset: number; rows: LibraryArtist[] } {
    const total = (
      this.db
        .prepare("SELECT count(DISTINCT artist_id) AS n FROM library_tracks WHERE status = 'ok'")
        .get() as { n: number }
    ).n;
    return { total, offset, rows: this.artistsWhere('1', [], limit, offset) };
  }

  artist(id: number): { artist: LibraryArtist; albums: LibraryAlbum[]; tracks: LibraryTrack[] } | null {
    const [artist] = this.artistsWhere('ar.id = ?', [id], 1, 0);
    if (!artist) return null;
    const albums = this.albumsWhere(
      "a.id IN (SELECT album_id FROM library_tracks WHERE artist_id = ? AND status = 'ok')",
      [id],
      500,
      0,
    );
    const tracks = this.tracks(allOf({ artistId: id, sort: 'album' })).rows;
    return { artist, albums, tracks };
  }

  problems(offset: number, limit: number): { total: number; offset: number; rows: LibraryProblem[] } {
    const total = (this.db.prepare('SELECT count(*) AS n FROM library_problems').get() as { n: number }).n;
    const rows = this.db
      .prepare(
        'SELECT path, reason, detail, seen_at AS seenAt FROM library_problems ORDER BY path LIMIT ? OFFSET ?',
      )
      .all(limit, offset) as LibraryProblem[];
    return { total, offset, rows: rows.map((r) => ({ ...r, path: displayPath(r.path) })) };
  }

  /** Each folder's tracks as the Library counts them (status `ok`: playable), so Settings and Library agree. */
  folders(): LibraryFolder[] {
    const rows = this.db
      .prepare(
        `SELECT f.id, f.path, f.available, f.last_scan_at AS lastScanAt,
           (SELECT count(*) FROM library_tracks t WHERE t.folder_id = f.id AND t.status = 'ok') AS trackCount
         FROM library_folders f ORDER BY f.path`,
      )
      .all() as (Omit<LibraryFolder, 'available'> & { available: number })[];
    return rows.map((r) => ({ ...r, available: r.available === 1 }));
  }

  private albumsWhere(where: string, params: unknown[], limit: number, offset: number): LibraryAlbum[] {
    const rows = this.db
      .prepare(
        `SELECT a.id, a.title, a.album_artist AS albumArtist,
           (SELECT ar.id FROM library_artists ar WHERE ar.name = a.album_artist) AS artistId,
           max(t.year) AS year, count(t.id) AS trackCount,
           sum(t.duration_ms) AS durationMs,
           coalesce(min(CASE WHEN t.has_art = 1 THEN t.id END), min(t.id)) AS coverTrackId
         FROM library_albums a JOIN library_tracks t ON t.album_id = a.id AND t.status = 'ok'
         WHERE ${where}
         GROUP BY a.id ORDER BY a.album_artist COLLATE NOCASE, a.title COLLATE NOCASE LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset) as (Omit<LibraryAlbum, 'coverPath'> & { coverTrackId: number })[];
    return rows.map(({ coverTrackId, ...album }) => ({ ...album, coverPath: `cover/local/${coverTrackId}` }));
  }

  private artistsWhere(where: string, params: unknown[], limit: number, offset: number): LibraryArtist[] {
    const rows = this.db
      .prepare(
        `SELECT ar.id, ar.name, count(t.id) AS trackCount, count(DISTINCT t.album_id) AS albumCount,
           min(CASE WHEN t.has_art = 1 THEN t.id END) AS coverTrackId
         FROM library_artists ar JOIN library_tracks t ON t.artist_id = ar.id AND t.status = 'ok'
         WHERE ${where}
         GROUP BY ar.id ORDER BY ar.name COLLATE NOCASE LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset) as (Omit<LibraryArtist, 'coverPath'> & {
      coverTrackId: number | null;
    })[];
    return rows.map(({ coverTrackId, ...artist }) => ({
      ...artist,
      coverPath: coverTrackId === null ? null : `cover/local/${coverTrackId}`,
    }));
  }
}

function allOf(partial: Partial<TrackQuery>): TrackQuery {
  return { offset: 0, limit: 5000, sort: 'artist', direction: 'asc', status: 'ok', ...partial };
}

function byDiscAndTrack(a: LibraryTrack, b: LibraryTrack): number {
  return (
    (a.discNo ?? 0) - (b.discNo ?? 0) || (a.trackNo ?? 0) - (b.trackNo ?? 0) || a.title.localeCompare(b.title)
  );
}
