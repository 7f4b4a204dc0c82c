import { sql, type Selectable } from 'kysely';
import { assert } from '../../../../shared/assert';
import type { Db } from '../../db/database';
import { typedDb, type TypedDb } from '../../db/typed-query';
import type { LibraryTables, LibraryTracksTable } from '../tables';
import { compiledOnce } from './compiled-once';
import type { AudioFileInfo, ProblemReason } from '../tags/read-audio-file';
import type { TrackNames } from '../tags/names-fallback';
import type { FilePath } from './paths';

export interface KnownTrack {
  id: number;
  size: number;
  mtimeMs: number;
  status: 'ok' | 'missing' | 'unavailable';
  fingerprint: string;
}

export interface KnownProblem {
  reason: string;
  size: number | null;
  mtimeMs: number | null;
}

export interface TrackWrite extends FilePath {
  folderId: number;
  size: number;
  mtimeMs: number;
  info: AudioFileInfo;
  names: TrackNames;
}

/** The columns a scan writes for a track (insert and re-read alike). */
const TRACK_WRITE_KEYS = [
  'folder_id',
  'path',
  'path_bytes',
  'size',
  'mtime_ms',
  'fingerprint',
  'title',
  'artist',
  'album_artist',
  'album',
  'artist_id',
  'album_id',
  'track_no',
  'track_of',
  'disc_no',
  'year',
  'genre',
  'duration_ms',
  'container',
  'codec',
  'bitrate',
  'sample_rate',
  'bpm',
  'musical_key',
  'rg_track_gain',
  'rg_track_peak',
  'rg_album_gain',
  'rg_album_peak',
  'has_art',
  'tags_from_names',
] as const satisfies readonly (keyof LibraryTracksTable)[];

type TrackColumns = { [K in (typeof TRACK_WRITE_KEYS)[number]]: Selectable<LibraryTracksTable>[K] };

/**
 * Every write the scanner makes, as typed queries (each prepared once per
 * connection by `typedDb`). The scanner calls
 * these inside `bulkTransaction()` in batches: one commit per ~2000 files
 * (about a second of reading) keeps a cold scan fast and a crash cheap (a
 * resumed scan reads at most one batch again).
 */
export class LibraryWriter {
  private readonly artistIds = new Map<string, number>();
  private readonly albumIds = new Map<string, number>();
  /** The maps hold every artist and album in the database (a miss is a new one: no SELECT first). */
  private namesLoaded = false;
  /** Inside `bulkTransaction`: the highest ids indexed for search; rows above wait for the batch's end. */
  private deferred: { track: number; album: number; artist: number } | null = null;
  private readonly db: TypedDb<LibraryTables>;
  /** The statements a scan runs once per file, compiled once (see `compiledOnce`). */
  private readonly perFile;

  constructor(db: Db) {
    this.db = typedDb<LibraryTables>(db);
    const { q } = this.db;
    this.perFile = {
      insertTrack: compiledOnce(
        [...TRACK_WRITE_KEYS, 'now'],
        ({ now, ...columns }: TrackColumns & { now: number }) =>
          q
            .insertInto('library_tracks')
            .values({ ...columns, status: sql.lit('ok'), added_at: now, updated_at: now }),
      ),
      updateTrack: compiledOnce(
        [...TRACK_WRITE_KEYS, 'now', 'id'],
        ({ now, id, ...columns }: TrackColumns & { now: number; id: number }) =>
          q
            .updateTable('library_tracks')
            .set({ ...columns, status: sql.lit('ok'), updated_at: now })
            .where('id', '=', id),
      ),
      missingByFingerprint: compiledOnce(['fingerprint'], ({ fingerprint }: { fingerprint: string }) =>
        q
          .selectFrom('library_tracks')
          .select('id')
          .where('fingerprint', '=', fingerprint)
          .where('status', '=', sql.lit('missing'))
          .orderBy('id')
          .limit(sql.lit(1)),
      ),
      clearProblem: compiledOnce(['path'], ({ path }: { path: string }) =>
        q.deleteFrom('library_problems').where('path', '=', path),
      ),
    };
  }

  transaction<T>(work: () => T): T {
    return this.db.raw.transaction(work)();
  }

  /**
   * A transaction of many inserts (a scan's batch): new tracks, albums and
   * artists are indexed for search in one statement each at its end
   * instead of by a trigger per row (see migration library-003). Atomic
   * like any transaction: a crash or error leaves neither rows nor index.
   */
  bulkTransaction<T>(work: () => T): T {
    if (this.deferred) return work();
    const { q } = this.db;
    return this.db.raw.transaction(() => {
      this.deferred = this.maxIds();
      this.db.run(q.insertInto('library_fts_deferred').values({ id: 1 }));
      try {
        const result = work();
        this.indexDeferred();
        this.db.run(q.deleteFrom('library_fts_deferred'));
        return result;
      } finally {
        this.deferred = null;
      }
    })();
  }

  /** The highest track, album and artist ids (0 for none). */
  private maxIds(): { track: number; album: number; artist: number } {
    const { q } = this.db;
    const row = this.db.get(
      q.selectNoFrom((eb) => [
        eb
          .selectFrom('library_tracks')
          .select((s) => s.fn.coalesce(s.fn.max('id'), sql.lit(0)).as('m'))
          .$asScalar()
          .as('track'),
        eb
          .selectFrom('library_albums')
          .select((s) => s.fn.coalesce(s.fn.max('id'), sql.lit(0)).as('m'))
          .$asScalar()
          .as('album'),
        eb
          .selectFrom('library_artists')
          .select((s) => s.fn.coalesce(s.fn.max('id'), sql.lit(0)).as('m'))
          .$asScalar()
          .as('artist'),
      ]),
    );
    return { track: row?.track ?? 0, album: row?.album ?? 0, artist: row?.artist ?? 0 };
  }

  /** Indexes the rows added since the batch began (or since the last call). */
  private indexDeferred(): void {
    const marks = this.deferred;
    if (!marks) return;
    const { q } = this.db;
    this.db.run(
      q
        .insertInto('library_tracks_fts')
        .columns(['rowid', 'title', 'artist', 'album', 'genre'])
        .expression((eb) =>
          eb
            .selectFrom('library_tracks')
            .select((s) => [
              'id',
              'title',
              s(s('artist', '||', sql.lit(' ')), '||', s.ref('album_artist')).as('artist'),
              'album',
              'genre',
            ])
            .where('id', '>', marks.track),
        ),
    );
    this.db.run(
      q
        .insertInto('library_albums_fts')
        .columns(['rowid', 'title', 'album_artist'])
        .expression((eb) =>
          eb
            .selectFrom('library_albums')
            .select(['id', 'title', 'album_artist'])
            .where('id', '>', marks.album),
        ),
    );
    this.db.run(
      q
        .insertInto('library_artists_fts')
        .columns(['rowid', 'name'])
        .expression((eb) =>
          eb.selectFrom('library_artists').select(['id', 'name']).where('id', '>', marks.artist),
        ),
    );
    this.deferred = this.maxIds();
  }

  knownTracks(folderId: number): Map<string, KnownTrack> {
    const rows = this.db.all(
      this.db.q
        .selectFrom('library_tracks')
        .select(['id', 'path', 'size', 'mtime_ms as mtimeMs', 'status', 'fingerprint'])
        .where('folder_id', '=', folderId),
    );
    return new Map(rows.map((r) => [r.path, r]));
  }

  knownProblems(folderId: number): Map<string, KnownProblem> {
    const rows = this.db.all(
      this.db.q
        .selectFrom('library_problems')
        .select(['path', 'reason', 'size', 'mtime_ms as mtimeMs'])
        .where('folder_id', '=', folderId),
    );
    return new Map(rows.map((r) => [r.path, r]));
  }

  /** A track marked missing by an earlier scan with this content: the file was moved. */
  findMissingByFingerprint(fingerprint: string): number | null {
    return this.db.get(this.perFile.missingByFingerprint({ fingerprint }))?.id ?? null;
  }

  insertTrack(write: TrackWrite, now: number): number {
    const insert = this.perFile.insertTrack({ ...this.columns(write), now });
    return Number(this.db.run(insert).lastInsertRowid);
  }

  /** Re-reads a known track in place (tags changed, or the file moved here): its id and play count stay. */
  updateTrack(id: number, write: TrackWrite, now: number): void {
    // The update trigger takes the old values out of the search index: they must be in it.
    if (this.deferred && id > this.deferred.track) this.indexDeferred();
    this.db.run(this.perFile.updateTrack({ ...this.columns(write), now, id }));
  }

  setStatus(id: number, status: KnownTrack['status'], now: number): boolean {
    const changed = this.db.run(
      this.db.q
        .updateTable('library_tracks')
        .set({ status, updated_at: now })
        .where('id', '=', id)
        .where('status', '!=', status),
    );
    return changed.changes > 0;
  }

  /** Marks a whole folder's tracks, e.g. `ok` → `unavailable` when its drive is gone. */
  setFolderTracksStatus(
    folderId: number,
    from: KnownTrack['status'],
    to: KnownTrack['status'],
    now: number,
  ): number {
    return this.db.run(
      this.db.q
        .updateTable('library_tracks')
        .set({ status: to, updated_at: now })
        .where('folder_id', '=', folderId)
        .where('status', '=', from),
    ).changes;
  }

  setFolderAvailable(folderId: number, available: boolean, scannedAt: number | null): void {
    this.db.run(
      this.db.q
        .updateTable('library_folders')
        .set((eb) => ({
          available: available ? 1 : 0,
          last_scan_at: eb.fn.coalesce(eb.val(scannedAt), eb.ref('last_scan_at')),
        }))
        .where('id', '=', folderId),
    );
  }

  recordProblem(
    folderId: number,
    file: FilePath,
    reason: ProblemReason,
    detail: string,
    size: number | null,
    mtimeMs: number | null,
    now: number,
  ): void {
    // Moved or deleted mid-scan: the scanner and the walk never list it as a problem.
    assert(reason !== 'vanished', `a vanished file is not a problem: ${file.path}`);
    this.db.run(
      this.db.q
        .insertInto('library_problems')
        .values({
          path: file.path,
          path_bytes: file.bytes,
          folder_id: folderId,
          reason,
          detail: detail.slice(0, 2000),
          size,
          mtime_ms: mtimeMs,
          seen_at: now,
        })
        .onConflict((oc) =>
          oc.column('path').doUpdateSet((eb) => ({
            path_bytes: eb.ref('excluded.path_bytes'),
            folder_id: eb.ref('excluded.folder_id'),
            reason: eb.ref('excluded.reason'),
            detail: eb.ref('excluded.detail'),
            size: eb.ref('excluded.size'),
            mtime_ms: eb.ref('excluded.mtime_ms'),
            seen_at: eb.ref('excluded.seen_at'),
          })),
        ),
    );
  }

  clearProblem(path: string): void {
    this.db.run(this.perFile.clearProblem({ path }));
  }

  deleteOrphans(): void {
    this.artistIds.clear();
    this.albumIds.clear();
    this.namesLoaded = false;
    const { q } = this.db;
    this.db.run(
      q
        .deleteFrom('library_albums')
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('library_tracks as t')
                .select(sql.lit(1).as('one'))
                .whereRef('t.album_id', '=', 'library_albums.id'),
            ),
          ),
        ),
    );
    this.db.run(
      q
        .deleteFrom('library_artists')
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('library_tracks as t')
                .select(sql.lit(1).as('one'))
                .whereRef('t.artist_id', '=', 'library_artists.id'),
            ),
          ),
        ),
    );
  }

  private columns(write: TrackWrite): TrackColumns {
    const { info, names } = write;
    return {
      folder_id: write.folderId,
      path: write.path,
      path_bytes: write.bytes,
      size: write.size,
      mtime_ms: write.mtimeMs,
      fingerprint: info.fingerprint,
      title: names.title,
      artist: names.artist,
      album_artist: names.albumArtist,
      album: names.album,
      artist_id: this.artistId(names.artist),
      album_id: this.albumId(names.album, names.albumArtist),
      track_no: names.trackNo,
      track_of: info.trackOf,
      disc_no: info.discNo,
      year: info.year,
      genre: info.genre,
      duration_ms: info.durationMs,
      container: info.container,
      codec: info.codec,
      bitrate: info.bitrate,
      sample_rate: info.sampleRate,
      bpm: info.bpm,
      musical_key: info.key,
      rg_track_gain: info.replayGain.trackGainDb,
      rg_track_peak: info.replayGain.trackPeak,
      rg_album_gain: info.replayGain.albumGainDb,
      rg_album_peak: info.replayGain.albumPeak,
      has_art: info.hasArt ? 1 : 0,
      tags_from_names: names.fromNames ? 1 : 0,
    };
  }

  /** Every artist and album, once: then a name not in the maps is new, and is inserted without a SELECT first. */
  private loadNames(): void {
    if (this.namesLoaded) return;
    this.namesLoaded = true;
    const { q } = this.db;
    for (const row of this.db.all(q.selectFrom('library_artists').select(['id', 'name']))) {
      this.artistIds.set(row.name.toLowerCase(), row.id);
    }
    for (const row of this.db.all(q.selectFrom('library_albums').select(['id', 'title', 'album_artist']))) {
      this.albumIds.set(albumKey(row.title, row.album_artist), row.id);
    }
  }

  private artistId(name: string): number {
    this.loadNames();
    const key = name.toLowerCase();
    let id = this.artistIds.get(key);
    if (id === undefined) {
      // Another writer may have added it since the maps were loaded: then the insert does nothing.
      const { q } = this.db;
      const added = this.db.run(
        q
          .insertInto('library_artists')
          .values({ name })
          .onConflict((oc) => oc.doNothing()),
      );
      id =
        added.changes > 0
          ? Number(added.lastInsertRowid)
          : this.existingId(
              this.db.get(q.selectFrom('library_artists').select('id').where('name', '=', name)),
            );
      this.artistIds.set(key, id);
    }
    return id;
  }

  private albumId(title: string, albumArtist: string): number {
    this.loadNames();
    const key = albumKey(title, albumArtist);
    let id = this.albumIds.get(key);
    if (id === undefined) {
      const { q } = this.db;
      const added = this.db.run(
        q
          .insertInto('library_albums')
          .values({ title, album_artist: albumArtist })
          .onConflict((oc) => oc.doNothing()),
      );
      id =
        added.changes > 0
          ? Number(added.lastInsertRowid)
          : this.existingId(
              this.db.get(
                q
                  .selectFrom('library_albums')
                  .select('id')
                  .where('title', '=', title)
                  .where('album_artist', '=', albumArtist),
              ),
            );
      this.albumIds.set(key, id);
    }
    return id;
  }

  /** The row an `ON CONFLICT DO NOTHING` insert ran into: it exists, in this transaction. */
  private existingId(row: { id: number } | undefined): number {
    assert(row !== undefined, 'a name insert met a conflict, yet no row has that name');
    return row.id;
  }
}

function albumKey(title: string, albumArtist: string): string {
  return `${title.toLowerCase()}\u0000${albumArtist.toLowerCase()}`;
}
