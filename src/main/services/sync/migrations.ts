import type { Migration } from '../db/database';

/**
 * The sync engine's tables in the local cache. The money state itself (wallet,
 * progress, outbox, history) belongs to the wallet's tables; these hold what
 * sync needs around it. Append new steps; never edit one that has shipped.
 */
export const syncMigrations: readonly Migration[] = [
  {
    id: 'sync-001-initial',
    up(db) {
      db.exec(`
        -- One row: who is signed in, on which server, and how far the pull got.
        -- The session token itself is not here: it lives in a 0600 file, wrapped like the device key.
        CREATE TABLE sync_account (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          server_key TEXT,
          user_id TEXT,
          email TEXT,
          role TEXT,
          artists_json TEXT NOT NULL DEFAULT '[]',
          cursor TEXT,
          cursor_user_id TEXT,
          last_sync_at INTEGER,
          download_limit_bytes INTEGER NOT NULL DEFAULT 2147483648 CHECK (download_limit_bytes >= 0)
        ) STRICT;
        INSERT INTO sync_account (id) VALUES (1);

        -- Device identities (ours, current and retired) the server knows, per account.
        CREATE TABLE sync_devices (
          device_id TEXT NOT NULL,
          server_key TEXT NOT NULL,
          user_id TEXT NOT NULL,
          registered_at INTEGER NOT NULL,
          PRIMARY KEY (device_id, server_key)
        ) STRICT;

        -- The server's play counts for this listener (all devices), as of the last pull.
        CREATE TABLE coop_server_counts (
          track_id TEXT PRIMARY KEY,
          paid_plays INTEGER NOT NULL CHECK (paid_plays BETWEEN 0 AND 9),
          total_plays INTEGER NOT NULL CHECK (total_plays >= 0),
          owned INTEGER NOT NULL CHECK (owned IN (0, 1))
        ) STRICT;

        -- Server facts of catalog tracks that coop_tracks has no column for.
        CREATE TABLE coop_track_meta (
          track_id TEXT PRIMARY KEY,
          artist_id TEXT NOT NULL,
          release_id TEXT NOT NULL,
          release_title TEXT NOT NULL,
          has_audio INTEGER NOT NULL CHECK (has_audio IN (0, 1)),
          server_version INTEGER NOT NULL
        ) STRICT;

        -- Downloaded audio in <dataDir>/downloads; coop_tracks.local_file points at the same file.
        CREATE TABLE coop_downloads (
          track_id TEXT PRIMARY KEY,
          file TEXT NOT NULL,
          size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
          pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
          downloaded_at INTEGER NOT NULL,
          last_used_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX coop_downloads_lru ON coop_downloads (pinned, last_used_at);

        -- What the server settled differently from this device's estimate. One per receipt:
        -- written in the same transaction that stores the server's answer, which happens once.
        CREATE TABLE sync_corrections (
          id INTEGER PRIMARY KEY,
          receipt_id TEXT NOT NULL UNIQUE,
          track_id TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('price', 'unpaid', 'rejected')),
          estimated_thousandths INTEGER NOT NULL CHECK (estimated_thousandths >= 0),
          actual_thousandths INTEGER NOT NULL CHECK (actual_thousandths >= 0),
          reason TEXT,
          created_at INTEGER NOT NULL,
          seen INTEGER NOT NULL DEFAULT 0 CHECK (seen IN (0, 1))
        ) STRICT;
      `);
    },
  },
];
