import type { Generated } from 'kysely';

/**
 * The sync domain's tables in the local cache, as src/main/services/sync/migrations.ts
 * creates them (SQLite storage types: INTEGER → number, TEXT → string, nullable → `| null`;
 * booleans are INTEGER 0/1; a TEXT column that only ever holds a few words, by a CHECK or
 * because its one writer takes only those, is typed as their union). Kysely types every
 * query of this domain from these. The money state (wallet, progress, outbox, plays) is the wallet domain's: see
 * src/main/services/wallet/tables.ts.
 *
 * `Generated<T>`: a column with a default (or the rowid), optional on insert, `T` when read.
 */

/** One row (id = 1): who is signed in, on which server, and how far the pull got. */
export interface SyncAccountTable {
  id: number;
  server_key: string | null;
  user_id: string | null;
  email: string | null;
  /** No CHECK in the table; written only by SyncStore.signedIn with one of these. */
  role: 'listener' | 'artist' | 'admin' | null;
  artists_json: Generated<string>;
  cursor: string | null;
  cursor_user_id: string | null;
  last_sync_at: number | null;
  download_limit_bytes: Generated<number>;
}

/** Device identities (ours, current and retired) the server knows, per account. */
export interface SyncDevicesTable {
  device_id: string;
  server_key: string;
  user_id: string;
  registered_at: number;
}

/** The server's play counts for this listener (all devices), as of the last pull. */
export interface CoopServerCountsTable {
  track_id: string;
  paid_plays: number;
  total_plays: number;
  /** 0/1 */
  owned: number;
}

/** Server facts of catalog tracks that coop_tracks has no column for. */
export interface CoopTrackMetaTable {
  track_id: string;
  artist_id: string;
  release_id: string;
  release_title: string;
  /** 0/1 */
  has_audio: number;
  server_version: number;
}

/** Downloaded audio in <dataDir>/downloads. */
export interface CoopDownloadsTable {
  track_id: string;
  file: string;
  size_bytes: number;
  /** 0/1 */
  pinned: Generated<number>;
  downloaded_at: number;
  last_used_at: number;
}

/** What the server settled differently from this device's estimate; one per receipt. */
export interface SyncCorrectionsTable {
  /** INTEGER PRIMARY KEY: the rowid, given on insert. */
  id: Generated<number>;
  receipt_id: string;
  track_id: string;
  /** CHECK (kind IN ('price', 'unpaid', 'rejected')). */
  kind: 'price' | 'unpaid' | 'rejected';
  estimated_thousandths: number;
  actual_thousandths: number;
  reason: string | null;
  created_at: number;
  /** 0/1 */
  seen: Generated<number>;
}

export interface SyncTables {
  sync_account: SyncAccountTable;
  sync_devices: SyncDevicesTable;
  coop_server_counts: CoopServerCountsTable;
  coop_track_meta: CoopTrackMetaTable;
  coop_downloads: CoopDownloadsTable;
  sync_corrections: SyncCorrectionsTable;
}
