import type { Db } from '../../db/database';
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

/**
 * Every write the scanner makes, as prepared statements. The scanner calls
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
  private readonly stmt;

  constructor(private readonly db: Db) {
    this.stmt = {
      knownTracks: db.prepare(
        'SELECT id, path, size, mtime_ms AS mtimeMs, status, fingerprint FROM library_tracks WHERE folder_id = ?',
      ),
      knownProblems: db.prepare(
        'SELECT path, reason, size, mtime_ms AS mtimeMs FROM library_problems WHERE folder_id = ?',
      ),
      findArtist: db.prepare('SELECT id FROM library_artists WHERE name = ?'),
      addArtist: db.prepare('INSERT INTO library_artists (name) VALUES (?) ON CONFLICT DO NOTHING'),
      findAlbum: db.prepare('SELECT id FROM library_albums WHERE title = ? AND album_artist = ?'),
      addAlbum: db.prepare(
        'INSERT INTO library_albums (title, album_artist) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      allArtists: db.prepare('SELECT id, name FROM library_artists'),
      allAlbums: db.prepare('SELECT id, title, album_artist AS albumArtist FROM library_albums'),
      maxIds: db.prepare(`SELECT (SELECT coalesce(max(id), 0) FROM library_tracks) AS track,
          (SELECT coalesce(max(id), 0) FROM library_albums) AS album,
          (SELECT coalesce(max(id), 0) FROM library_artists) AS artist`),
      deferFts: db.prepare('INSERT INTO library_fts_deferred (id) VALUES (1)'),
      undeferFts: db.prepare('DELETE FROM library_fts_deferred'),
      indexTracks: db.prepare(`INSERT INTO library_tracks_fts (rowid, title, artist, album, genre)
        SELECT id, title, artist || ' ' || album_artist, album, genre FROM library_tracks WHERE id > ?`),
      indexAlbums: db.prepare(`INSERT INTO library_albums_fts (rowid, title, album_artist)
        SELECT id, title, album_artist FROM library_albums WHERE id > ?`),
      indexArtists: db.prepare(
        'INSERT INTO library_artists_fts (rowid, name) SELECT id, name FROM library_artists WHERE id > ?',
      ),
      insertTrack: db.prepare(`INSERT INTO library_tracks (
          folder_id, path, path_bytes, size, mtime_ms, fingerprint, status, title, artist, album_artist, album,
          artist_id, album_id, track_no, track_of, disc_no, year, genre, duration_ms, container, codec, bitrate,
          sample_rate, bpm, musical_key, rg_track_gain, rg_track_peak, rg_album_gain, rg_album_peak, has_art,
          tags_from_names, added_at, updated_at)
        VALUES (@folderId, @path, @pathBytes, @size, @mtimeMs, @fingerprint, 'ok', @title, @artist, @albumArtist, @album,
          @artistId, @albumId, @trackNo, @trackOf, @discNo, @year, @genre, @durationMs, @container, @codec, @bitrate,
          @sampleRate, @bpm, @key, @rgTrackGain, @rgTrackPeak, @rgAlbumGain, @rgAlbumPeak, @hasArt,
          @fromNames, @now, @now)`),
      updateTrack: db.prepare(`UPDATE library_tracks SET
          folder_id = @folderId, path = @path, path_bytes = @pathBytes, size = @size, mtime_ms = @mtimeMs,
          fingerprint = @fingerprint, status = 'ok', title = @title, artist = @artist, album_artist = @albumArtist,
          album = @album, artist_id = @artistId, album_id = @albumId, track_no = @trackNo, track_of = @trackOf,
          disc_no = @discNo, year = @year, genre = @genre, duration_ms = @durationMs, container = @container,
          codec = @codec, bitrate = @bitrate, sample_rate = @sampleRate, bpm = @bpm, musical_key = @key,
          rg_track_gain = @rgTrackGain, rg_track_peak = @rgTrackPeak, rg_album_gain = @rgAlbumGain,
          rg_album_peak = @rgAlbumPeak, has_art = @hasArt, tags_from_names = @fromNames, updated_at = @now
        WHERE id = @id`),
      setStatus: db.prepare(
        'UPDATE library_tracks SET status = ?, updated_at = ? WHERE id = ? AND status != ?',
      ),
      setFolderStatus: db.prepare(
        'UPDATE library_tracks SET status = ?, updated_at = ? WHERE folder_id = ? AND status = ?',
      ),
      missingByFingerprint: db.prepare(
        "SELECT id FROM library_tracks WHERE fingerprint = ? AND status = 'missing' ORDER BY id LIMIT 1",
      ),
      upsertProblem:
        db.prepare(`INSERT INTO library_problems (path, path_bytes, folder_id, reason, detail, size, mtime_ms, seen_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (path) DO UPDATE SET path_bytes = excluded.path_bytes, folder_id = excluded.folder_id,
          reason = excluded.reason, detail = excluded.detail, size = excluded.size, mtime_ms = excluded.mtime_ms,
          seen_at = excluded.seen_at`),
      deleteProblem: db.prepare('DELETE FROM library_problems WHERE path = ?'),
      deleteOrphanAlbums: db.prepare(
        'DELETE FROM library_albums WHERE NOT EXISTS (SELECT 1 FROM library_tracks t WHERE t.album_id = library_albums.id)',
      ),
      deleteOrphanArtists: db.prepare(
        'DELETE FROM library_artists WHERE NOT EXISTS (SELECT 1 FROM library_tracks t WHERE t.artist_id = library_artists.id)',
      ),
      setFolderAvailable: db.prepare(
        'UPDATE library_folders SET available = ?, last_scan_at = coalesce(?, last_scan_at) WHERE id = ?',
      ),
    };
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /**
   * A transaction of many inserts (a scan's batch): new tracks, albums and
   * artists are indexed for search in one statement each at its end
   * instead of by a trigger per row (see migration library-003). Atomic
   * like any transaction: a crash or error leaves neither rows nor index.
   */
  bulkTransaction<T>(work: () => T): T {
    if (this.deferred) return work();
    return this.db.transaction(() => {
      this.deferred = this.stmt.maxIds.get() as { track: number; album: number; artist: number };
      this.stmt.deferFts.run();
      try {
        const result = work();
        this.indexDeferred();
        this.stmt.undeferFts.run();
        return result;
      } finally {
        this.deferred = null;
      }
    })();
  }

  /** Indexes the rows added since the batch began (or since the last call). */
  private indexDeferred(): void {
    const marks = this.deferred;
    if (!marks) return;
    this.stmt.indexTracks.run(marks.track);
    this.stmt.indexAlbums.run(marks.album);
    this.stmt.indexArtists.run(marks.artist);
    this.deferred = this.stmt.maxIds.get() as { track: number; album: number; artist: number };
  }

  knownTracks(folderId: number): Map<string, KnownTrack> {
    const rows = this.stmt.knownTracks.all(folderId) as (KnownTrack & { path: string })[];
    return new Map(rows.map((r) => [r.path, r]));
  }

  knownProblems(folderId: number): Map<string, KnownProblem> {
    const rows = this.stmt.knownProblems.all(folderId) as (KnownProblem & { path: string })[];
    return new Map(rows.map((r) => [r.path, r]));
  }

  /** A track marked missing by an earlier scan with this content: the file was moved. */
  findMissingByFingerprint(fingerprint: string): number | null {
    const row = this.stmt.missingByFingerprint.get(fingerprint) as { id: number } | undefined;
    return row?.id ?? null;
  }

  insertTrack(write: TrackWrite, now: number): number {
    return Number(this.stmt.insertTrack.run(this.params(write, now)).lastInsertRowid);
  }

  /** Re-reads a known track in place (tags changed, or the file moved here): its id and play count stay. */
  updateTrack(id: number, write: TrackWrite, now: number): void {
    // The update trigger takes the old values out of the search index: they must be in it.
    if (this.deferred && id > this.deferred.track) this.indexDeferred();
    this.stmt.updateTrack.run({ ...this.params(write, now), id });
  }

  setStatus(id: number, status: KnownTrack['status'], now: number): boolean {
    return this.stmt.setStatus.run(status, now, id, status).changes > 0;
  }

  /** Marks a whole folder's tracks, e.g. `ok` → `unavailable` when its drive is gone. */
  setFolderTracksStatus(
    folderId: number,
    from: KnownTrack['status'],
    to: KnownTrack['status'],
    now: number,
  ): number {
    return this.stmt.setFolderStatus.run(to, now, folderId, from).changes;
  }

  setFolderAvailable(folderId: number, available: boolean, scannedAt: number | null): void {
    this.stmt.setFolderAvailable.run(available ? 1 : 0, scannedAt, folderId);
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
    this.stmt.upsertProblem.run(
      file.path,
      file.bytes,
      folderId,
      reason,
      detail.slice(0, 2000),
      size,
      mtimeMs,
      now,
    );
  }

  clearProblem(path: string): void {
    this.stmt.deleteProblem.run(path);
  }

  deleteOrphans(): void {
    this.artistIds.clear();
    this.albumIds.clear();
    this.namesLoaded = false;
    this.stmt.deleteOrphanAlbums.run();
    this.stmt.deleteOrphanArtists.run();
  }

  private params(write: TrackWrite, now: number) {
    const { info, names } = write;
    return {
      folderId: write.folderId,
      path: write.path,
      pathBytes: write.bytes,
      size: write.size,
      mtimeMs: write.mtimeMs,
      fingerprint: info.fingerprint,
      title: names.title,
      artist: names.artist,
      albumArtist: names.albumArtist,
      album: names.album,
      artistId: this.artistId(names.artist),
      albumId: this.albumId(names.album, names.albumArtist),
      trackNo: names.trackNo,
      trackOf: info.trackOf,
      discNo: info.discNo,
      year: info.year,
      genre: info.genre,
      durationMs: info.durationMs,
      container: info.container,
      codec: info.codec,
      bitrate: info.bitrate,
      sampleRate: info.sampleRate,
      bpm: info.bpm,
      key: info.key,
      rgTrackGain: info.replayGain.trackGainDb,
      rgTrackPeak: info.replayGain.trackPeak,
      rgAlbumGain: info.replayGain.albumGainDb,
      rgAlbumPeak: info.replayGain.albumPeak,
      hasArt: info.hasArt ? 1 : 0,
      fromNames: names.fromNames ? 1 : 0,
      now,
    };
  }

  /** Every artist and album, once: then a name not in the maps is new, and is inserted without a SELECT first. */
  private loadNames(): void {
    if (this.namesLoaded) return;
    this.namesLoaded = true;
    for (const row of this.stmt.allArtists.iterate() as Iterable<{ id: number; name: string }>) {
      this.artistIds.set(row.name.toLowerCase(), row.id);
    }
    for (const row of this.stmt.allAlbums.iterate() as Iterable<{
      id: number;
      title: string;
      albumArtist: string;
    }>) {
      this.albumIds.set(albumKey(row.title, row.albumArtist), row.id);
    }
  }

  private artistId(name: string): number {
    this.loadNames();
    const key = name.toLowerCase();
    let id = this.artistIds.get(key);
    if (id === undefined) {
      // Another writer may have added it since the maps were loaded: then the insert does nothing.
      const added = this.stmt.addArtist.run(name);
      id =
        added.changes > 0
          ? Number(added.lastInsertRowid)
          : (this.stmt.findArtist.get(name) as { id: number }).id;
      this.artistIds.set(key, id);
    }
    return id;
  }

  private albumId(title: string, albumArtist: string): number {
    this.loadNames();
    const key = albumKey(title, albumArtist);
    let id = this.albumIds.get(key);
    if (id === undefined) {
      const added = this.stmt.addAlbum.run(title, albumArtist);
      id =
        added.changes > 0
          ? Number(added.lastInsertRowid)
          : (this.stmt.findAlbum.get(title, albumArtist) as { id: number }).id;
      this.albumIds.set(key, id);
    }
    return id;
  }
}

function albumKey(title: string, albumArtist: string): string {
  return `${title.toLowerCase()}\u0000${albumArtist.toLowerCase()}`;
}
