import { sql, type Expression, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/database';
import { typedDb, type TypedDb } from '../db/typed-query';
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
import type { LibraryTables } from './tables';
import { TRACK_COLUMN_REFS, toLibraryTrack, type TrackRow } from './track-rows';
import { ftsQuery } from './search-query';

type TrackColumnRef = `t.${keyof LibraryTables['library_tracks'] & string}`;

/** `<column> COLLATE NOCASE`: the order the NOCASE indexes keep. */
function nocase(column: TrackColumnRef): Expression<unknown> {
  return sql`${sql.ref(column)} COLLATE NOCASE`;
}

/**
 * The ORDER BY terms of each sort. Each ends in a way an index can serve
 * (`(status, <column>)` indexes keep rowid order within equal values), so a
 * window deep into 100,000 rows does not sort the whole table; ties fall
 * back to id, so paging is stable.
 */
const SORT_TERMS: Record<TrackSortField, Expression<unknown>[]> = {
  title: [nocase('t.title')],
  artist: [nocase('t.artist'), nocase('t.album'), sql.ref('t.disc_no'), sql.ref('t.track_no')],
  album: [nocase('t.album'), sql.ref('t.disc_no'), sql.ref('t.track_no')],
  albumArtist: [nocase('t.album_artist'), nocase('t.album'), sql.ref('t.disc_no'), sql.ref('t.track_no')],
  year: [sql.ref('t.year')],
  genre: [nocase('t.genre')],
  durationMs: [sql.ref('t.duration_ms')],
  trackNo: [sql.ref('t.track_no')],
  bpm: [sql.ref('t.bpm')],
  key: [sql.ref('t.musical_key')],
  format: [sql.ref('t.codec')],
  playCount: [sql.ref('t.play_count')],
  lastPlayedAt: [sql.ref('t.last_played_at')],
  addedAt: [sql.ref('t.added_at')],
  path: [sql.ref('t.path')],
};

/** Ids as one bound value, so a list of any length is one prepared statement. */
function idList(ids: readonly number[]): Expression<number> {
  return sql<number>`(SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}

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

type Direction = 'asc' | 'desc';

/** Orders a select from `library_tracks as t` by a sort, ties broken by id. */
function sorted<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  field: TrackSortField,
  direction: Direction,
): SelectQueryBuilder<DB, TB, O> {
  for (const term of [...SORT_TERMS[field], sql.ref('t.id')]) qb = qb.orderBy(term, direction);
  return qb;
}

/** Which albums (or artists) a listing shows: all, the given ids, or (albums) one artist's. */
type NameFilter = { all: true } | { ids: readonly number[] } | { byArtistId: number };

/** Read-only questions the UI asks, all answered in SQL (sorting and paging included). */
export class LibraryQueries {
  private readonly db: TypedDb<LibraryTables>;
  /** The database's state the caches below were built on (see `checkVersion`). */
  private version = '';
  private readonly orders = new Map<string, SortOrder>();
  private readonly matchSets = new Map<string, MatchSet>();

  constructor(db: Db) {
    this.db = typedDb<LibraryTables>(db);
  }

  tracks(query: TrackQuery): { total: number; offset: number; rows: LibraryTrack[] } {
    const direction: Direction = query.direction === 'desc' ? 'desc' : 'asc';
    const match = query.search === undefined ? null : ftsQuery(query.search);
    const narrowed = query.albumId !== undefined || query.artistId !== undefined;
    if (match && !narrowed) return this.searchedWindow(query, match, direction);
    let filtered = this.db.q.selectFrom('library_tracks as t');
    if (query.status !== 'all') filtered = filtered.where('t.status', '=', query.status);
    if (query.albumId !== undefined) filtered = filtered.where('t.album_id', '=', query.albumId);
    if (query.artistId !== undefined) filtered = filtered.where('t.artist_id', '=', query.artistId);
    if (match) {
      filtered = filtered.where('t.id', 'in', (eb) =>
        eb.selectFrom('library_tracks_fts').select('rowid').where('library_tracks_fts', 'match', match),
      );
    }
    const counted = this.db.get(filtered.select((eb) => eb.fn.countAll<number>().as('n')));
    const rows = this.db.all(
      sorted(filtered.select(TRACK_COLUMN_REFS), query.sort, direction)
        .limit(query.limit)
        .offset(query.offset),
    );
    return { total: counted?.n ?? 0, offset: query.offset, rows: rows.map(toLibraryTrack) };
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
  private searchedWindow(query: TrackQuery, match: string, direction: Direction) {
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
    if (direction === 'asc') {
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
    const row = this.db.get(
      this.db.q.selectNoFrom([
        sql<number>`total_changes()`.as('c'),
        sql<number>`(SELECT data_version FROM pragma_data_version)`.as('v'),
      ]),
    );
    const version = `${row?.c}:${row?.v}`;
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
        this.db.column(
          this.db.q
            .selectFrom('library_tracks_fts')
            .select('rowid')
            .where('library_tracks_fts', 'match', match),
        ),
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
      let select = this.db.q.selectFrom('library_tracks as t').select('t.id');
      if (status !== 'all') select = select.where('t.status', '=', status);
      // Plucked: the whole library's ids in order, without an object per row.
      const ids = Int32Array.from(this.db.column(sorted(select, sort, 'asc')));
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
    const { q } = this.db;
    const trackMatches = q
      .selectFrom('library_tracks_fts')
      .select('rowid')
      .where('library_tracks_fts', 'match', match)
      .limit(limit * 2);
    // Over-fetch a little: a few matches may be missing files.
    let candidates = this.db.all(trackMatches).map((r) => r.rowid);
    if (candidates.length > 1 && candidates.length < limit * 2) {
      // These are all the matches: few, so rank them.
      candidates = this.db.all(trackMatches.orderBy('rank')).map((r) => r.rowid);
    }
    const rows = this.rowsById(candidates).filter((r) => r.status === 'ok');
    let tracks: LibraryTrack[];
    if (rows.length < limit && candidates.length === limit * 2) {
      // Many missing files among the first matches: ask the slower, exact way.
      tracks = this.db
        .all(
          q
            .selectFrom('library_tracks_fts as f')
            .innerJoin('library_tracks as t', 't.id', 'f.rowid')
            .select(TRACK_COLUMN_REFS)
            .where('f.library_tracks_fts', 'match', match)
            .where('t.status', '=', sql.lit('ok'))
            .limit(limit),
        )
        .map(toLibraryTrack);
    } else {
      tracks = rows.slice(0, limit).map(toLibraryTrack);
    }
    const albumIds = this.db
      .all(
        q
          .selectFrom('library_albums_fts')
          .select('rowid')
          .where('library_albums_fts', 'match', match)
          .limit(limit),
      )
      .map((r) => r.rowid);
    const albums = albumIds.length ? this.albumsWhere({ ids: albumIds }, limit, 0) : [];
    const artistIds = this.db
      .all(
        q
          .selectFrom('library_artists_fts')
          .select('rowid')
          .where('library_artists_fts', 'match', match)
          .limit(limit),
      )
      .map((r) => r.rowid);
    const artists = artistIds.length ? this.artistsWhere({ ids: artistIds }, limit, 0) : [];
    return { tracks, albums, artists };
  }

  /** Rows for ids, in the ids' order. */
  private rowsById(ids: number[]): TrackRow[] {
    if (ids.length === 0) return [];
    const rows = this.db.all(
      this.db.q.selectFrom('library_tracks as t').select(TRACK_COLUMN_REFS).where('t.id', 'in', idList(ids)),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is TrackRow => r !== undefined);
  }

  track(id: number): LibraryTrackDetails | null {
    const row = this.db.get(
      this.db.q
        .selectFrom('library_tracks as t')
        .innerJoin('library_folders as f', 'f.id', 't.folder_id')
        .select(TRACK_COLUMN_REFS)
        .select([
          't.track_of',
          't.size',
          't.mtime_ms',
          't.rg_track_gain',
          't.rg_track_peak',
          't.rg_album_gain',
          't.rg_album_peak',
          't.tags_from_names',
          'f.path as folder',
        ])
        .where('t.id', '=', id),
    );
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
    const counted = this.db.get(
      this.db.q
        .selectFrom('library_tracks')
        .select((eb) => eb.fn.count<number>('album_id').distinct().as('n'))
        .where('status', '=', sql.lit('ok')),
    );
    return { total: counted?.n ?? 0, offset, rows: this.albumsWhere({ all: true }, limit, offset) };
  }

  album(id: number): { album: LibraryAlbum; tracks: LibraryTrack[] } | null {
    const [album] = this.albumsWhere({ ids: [id] }, 1, 0);
    if (!album) return null;
    return { album, tracks: this.tracks(allOf({ albumId: id, sort: 'trackNo' })).rows.sort(byDiscAndTrack) };
  }

  artists(offset: number, limit: number): { total: number; offset: number; rows: LibraryArtist[] } {
    const counted = this.db.get(
      this.db.q
        .selectFrom('library_tracks')
        .select((eb) => eb.fn.count<number>('artist_id').distinct().as('n'))
        .where('status', '=', sql.lit('ok')),
    );
    return { total: counted?.n ?? 0, offset, rows: this.artistsWhere({ all: true }, limit, offset) };
  }

  artist(id: number): { artist: LibraryArtist; albums: LibraryAlbum[]; tracks: LibraryTrack[] } | null {
    const [artist] = this.artistsWhere({ ids: [id] }, 1, 0);
    if (!artist) return null;
    const albums = this.albumsWhere({ byArtistId: id }, 500, 0);
    const tracks = this.tracks(allOf({ artistId: id, sort: 'album' })).rows;
    return { artist, albums, tracks };
  }

  problems(offset: number, limit: number): { total: number; offset: number; rows: LibraryProblem[] } {
    const { q } = this.db;
    const counted = this.db.get(
      q.selectFrom('library_problems').select((eb) => eb.fn.countAll<number>().as('n')),
    );
    const rows = this.db.all(
      q
        .selectFrom('library_problems')
        .select(['path', 'reason', 'detail', 'seen_at as seenAt'])
        .orderBy('path')
        .limit(limit)
        .offset(offset),
    );
    return { total: counted?.n ?? 0, offset, rows: rows.map((r) => ({ ...r, path: displayPath(r.path) })) };
  }

  /** Each folder's tracks as the Library counts them (status `ok`: playable), so Settings and Library agree. */
  folders(): LibraryFolder[] {
    const rows = this.db.all(
      this.db.q
        .selectFrom('library_folders as f')
        .select((eb) => [
          'f.id',
          'f.path',
          'f.available',
          'f.last_scan_at as lastScanAt',
          eb
            .selectFrom('library_tracks as t')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('t.folder_id', '=', 'f.id')
            .where('t.status', '=', sql.lit('ok'))
            .$asScalar()
            .as('trackCount'),
        ])
        .orderBy('f.path'),
    );
    return rows.map((r) => ({ ...r, trackCount: r.trackCount ?? 0, available: r.available === 1 }));
  }

  private albumsWhere(filter: NameFilter, limit: number, offset: number): LibraryAlbum[] {
    let select = this.db.q
      .selectFrom('library_albums as a')
      .innerJoin('library_tracks as t', (join) =>
        join.onRef('t.album_id', '=', 'a.id').on('t.status', '=', sql.lit('ok')),
      )
      .select((eb) => [
        'a.id',
        'a.title',
        'a.album_artist as albumArtist',
        eb
          .selectFrom('library_artists as ar')
          .select('ar.id')
          .whereRef('ar.name', '=', 'a.album_artist')
          .$asScalar()
          .as('artistId'),
        eb.fn.max('t.year').as('year'),
        eb.fn.count<number>('t.id').as('trackCount'),
        eb.fn.sum<number>('t.duration_ms').as('durationMs'),
        eb.fn
          .coalesce(
            eb.fn.min(eb.case().when('t.has_art', '=', sql.lit(1)).then(eb.ref('t.id')).end()),
            eb.fn.min('t.id'),
          )
          .as('coverTrackId'),
      ]);
    if ('ids' in filter) select = select.where('a.id', 'in', idList(filter.ids));
    if ('byArtistId' in filter) {
      const artistId = filter.byArtistId;
      select = select.where('a.id', 'in', (eb) =>
        eb
          .selectFrom('library_tracks')
          .select('album_id')
          .where('artist_id', '=', artistId)
          .where('status', '=', sql.lit('ok')),
      );
    }
    const rows = this.db.all(
      select
        .groupBy('a.id')
        .orderBy(sql`${sql.ref('a.album_artist')} COLLATE NOCASE`)
        .orderBy(sql`${sql.ref('a.title')} COLLATE NOCASE`)
        .limit(limit)
        .offset(offset),
    );
    return rows.map(({ coverTrackId, ...album }) => ({ ...album, coverPath: `cover/local/${coverTrackId}` }));
  }

  private artistsWhere(filter: Exclude<NameFilter, { byArtistId: number }>, limit: number, offset: number) {
    let select = this.db.q
      .selectFrom('library_artists as ar')
      .innerJoin('library_tracks as t', (join) =>
        join.onRef('t.artist_id', '=', 'ar.id').on('t.status', '=', sql.lit('ok')),
      )
      .select((eb) => [
        'ar.id',
        'ar.name',
        eb.fn.count<number>('t.id').as('trackCount'),
        eb.fn.count<number>('t.album_id').distinct().as('albumCount'),
        eb.fn.min(eb.case().when('t.has_art', '=', sql.lit(1)).then(eb.ref('t.id')).end()).as('coverTrackId'),
      ]);
    if ('ids' in filter) select = select.where('ar.id', 'in', idList(filter.ids));
    const rows = this.db.all(
      select
        .groupBy('ar.id')
        .orderBy(sql`${sql.ref('ar.name')} COLLATE NOCASE`)
        .limit(limit)
        .offset(offset),
    );
    return rows.map(({ coverTrackId, ...artist }): LibraryArtist => ({
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
