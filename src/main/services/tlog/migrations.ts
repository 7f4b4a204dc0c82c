import type { Migration } from '../db/database';

/**
 * The public log check's tables in the local cache (docs/sync.md "The public
 * log"). Append new steps; never edit one that has shipped.
 */
export const tlogMigrations: readonly Migration[] = [
  {
    id: 'tlog-001-initial',
    up(db) {
      db.exec(`
        -- One row: what to trust. A null log key: pin the server's on first contact.
        CREATE TABLE tlog_config (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          log_vkey TEXT,
          witnesses_json TEXT NOT NULL DEFAULT '[]',
          required_witnesses INTEGER NOT NULL DEFAULT 0 CHECK (required_witnesses >= 0)
        ) STRICT;
        INSERT INTO tlog_config (id) VALUES (1);

        -- The log key of each server, learned on first contact and kept (never replaced by the server).
        CREATE TABLE tlog_pins (
          server_key TEXT PRIMARY KEY,
          vkey TEXT NOT NULL,
          pinned_at INTEGER NOT NULL
        ) STRICT;

        -- The latest checkpoint verified per server: the next one must be consistent with it.
        CREATE TABLE tlog_checkpoints (
          server_key TEXT PRIMARY KEY,
          origin TEXT NOT NULL,
          size INTEGER NOT NULL CHECK (size >= 0),
          root_hex TEXT NOT NULL,
          note TEXT NOT NULL,
          verified_at INTEGER NOT NULL
        ) STRICT;

        -- What the log said about each settled play of this device.
        CREATE TABLE tlog_plays (
          receipt_id TEXT NOT NULL,
          server_key TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('in_log', 'failed', 'predates_log')),
          leaf_index INTEGER CHECK (leaf_index >= 0),
          checkpoint_size INTEGER,
          checked_at INTEGER NOT NULL,
          PRIMARY KEY (receipt_id, server_key)
        ) STRICT;

        -- Every failed check, with the evidence: the checkpoint kept and the one offered (both signed notes).
        CREATE TABLE tlog_failures (
          id INTEGER PRIMARY KEY,
          server_key TEXT NOT NULL,
          kind TEXT NOT NULL,
          message TEXT NOT NULL,
          receipt_id TEXT,
          leaf_index INTEGER,
          kept_note TEXT,
          offered_note TEXT,
          details_json TEXT NOT NULL DEFAULT '{}',
          created_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX tlog_failures_by_server ON tlog_failures (server_key, id);
      `);
    },
  },
];
