import type { Generated } from 'kysely';
import type { LibraryProblem } from '../../../shared/contract/library';

/**
 * The library's tables as its migrations create them (`schema.ts`, and
 * `analysis/schema.ts` for `library_analysis` and the `*_detected` columns of
 * `library_tracks`), for typed queries through `typedDb`. SQLite storage types:
 * INTEGER → number (booleans are 0/1), REAL → number, TEXT → string,
 * BLOB → Buffer; a nullable column is `| null`. `Generated<number>` marks an
 * INTEGER PRIMARY KEY or a column with a DEFAULT: read as a number, optional
 * in an insert. Keep in step with the
 * migrations: a new column here without its migration is a lie the compiler
 * cannot catch.
 */

export interface LibraryFoldersTable {
  id: Generated<number>;
  path: string;
  /** 0/1. */
  available: Generated<number>;
  added_at: number;
  last_scan_at: number | null;
}

export interface LibraryArtistsTable {
  id: Generated<number>;
  /** COLLATE NOCASE, unique. */
  name: string;
}

export interface LibraryAlbumsTable {
  id: Generated<number>;
  /** COLLATE NOCASE; (title, album_artist) is unique. */
  title: string;
  album_artist: string;
}

export type LibraryTrackStatus = 'ok' | 'missing' | 'unavailable';

export interface LibraryTracksTable {
  id: Generated<number>;
  folder_id: number;
  path: string;
  /** The exact bytes of a path that is not valid UTF-8 (see scan/paths.ts). */
  path_bytes: Buffer | null;
  size: number;
  mtime_ms: number;
  fingerprint: string;
  status: Generated<LibraryTrackStatus>;
  title: string;
  artist: string;
  album_artist: string;
  album: string;
  artist_id: number | null;
  album_id: number | null;
  track_no: number | null;
  track_of: number | null;
  disc_no: number | null;
  year: number | null;
  genre: Generated<string>;
  duration_ms: Generated<number>;
  container: Generated<string>;
  codec: Generated<string>;
  bitrate: number | null;
  sample_rate: number | null;
  bpm: number | null;
  musical_key: string | null;
  rg_track_gain: number | null;
  rg_track_peak: number | null;
  rg_album_gain: number | null;
  rg_album_peak: number | null;
  /** 0/1. */
  has_art: Generated<number>;
  /** 0/1. */
  tags_from_names: Generated<number>;
  added_at: number;
  updated_at: number;
  play_count: Generated<number>;
  last_played_at: number | null;
  /** 0/1: rg_track_gain/peak were measured, not tagged (analysis-001). */
  rg_detected: Generated<number>;
  /** 0/1: bpm was measured (analysis-001). */
  bpm_detected: Generated<number>;
  /** 0/1: musical_key was measured (analysis-001). */
  key_detected: Generated<number>;
}

export interface LibraryProblemsTable {
  path: string;
  path_bytes: Buffer | null;
  folder_id: number;
  /** Why the file did not become a track (a 'vanished' file is never stored). */
  reason: LibraryProblem['reason'];
  detail: Generated<string>;
  size: number | null;
  mtime_ms: number | null;
  seen_at: number;
}

export type LibraryScanStatus = 'running' | 'done' | 'cancelled' | 'failed';

export interface LibraryScanStateTable {
  /** Always 1: one row. */
  id: number;
  status: LibraryScanStatus;
  /** JSON array of folder ids. */
  folder_ids: string;
  started_at: number;
  finished_at: number | null;
  files_done: Generated<number>;
}

/** While its one row exists (inside the writer's transaction), insert triggers skip FTS indexing. */
export interface LibraryFtsDeferredTable {
  id: number;
}

/**
 * FTS5 external-content indexes. `rowid` is the indexed row's id; the column
 * named after the table is FTS5's hidden command/MATCH column ('rebuild',
 * 'delete', or the right-hand side of MATCH); `rank` orders MATCH results.
 */
export interface LibraryTracksFtsTable {
  rowid: number;
  title: string;
  artist: string;
  album: string;
  genre: string;
  library_tracks_fts: string;
  rank: number;
}

export interface LibraryAlbumsFtsTable {
  rowid: number;
  title: string;
  album_artist: string;
  library_albums_fts: string;
  rank: number;
}

export interface LibraryArtistsFtsTable {
  rowid: number;
  name: string;
  library_artists_fts: string;
  rank: number;
}

export type LibraryAnalysisStatus = 'ok' | 'failed';

/** What the audio analysis measured, with the size and mtime of the file it measured. */
export interface LibraryAnalysisTable {
  track_id: number;
  size: number;
  mtime_ms: number;
  analysed_at: number;
  status: LibraryAnalysisStatus;
  detail: Generated<string>;
  integrated_lufs: number | null;
  track_gain_db: number | null;
  sample_peak: number | null;
  true_peak: number | null;
  bpm: number | null;
  bpm_confidence: number | null;
  musical_key: string | null;
  key_confidence: number | null;
  elapsed_ms: number | null;
}

/** Every table the library's migrations create. */
export interface LibraryTables {
  library_folders: LibraryFoldersTable;
  library_artists: LibraryArtistsTable;
  library_albums: LibraryAlbumsTable;
  library_tracks: LibraryTracksTable;
  library_problems: LibraryProblemsTable;
  library_scan_state: LibraryScanStateTable;
  library_fts_deferred: LibraryFtsDeferredTable;
  library_tracks_fts: LibraryTracksFtsTable;
  library_albums_fts: LibraryAlbumsFtsTable;
  library_artists_fts: LibraryArtistsFtsTable;
  library_analysis: LibraryAnalysisTable;
}
