import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreKind } from '../db/store-kind';
import { SQLITE_LEAVES_TABLE } from './migration-leaf-rowid';

/**
 * Migration 0008_transparency_log: the log's tables (docs/transparency-log.md
 * §8), append-only triggers on leaves, tiles and checkpoints, and the log's
 * Ed25519 signing key (a random 32-byte seed in server_secrets, made once
 * under the migrator's lock so every instance shares it).
 */
export function transparencyLogMigration(kind: StoreKind): Migration {
  const bin = kind === 'postgres' ? 'BYTEA' : 'BLOB';
  const autoId = kind === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
  const statements = [
    `CREATE TABLE tlog_state (id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL CHECK (size >= 0))`,
    `INSERT INTO tlog_state (id, size) VALUES (1, 0)`,
    // SQLite: idx is the rowid (see migration-leaf-rowid.ts, which rebuilds a log made before).
    kind === 'postgres'
      ? `CREATE TABLE tlog_leaves (
      idx BIGINT PRIMARY KEY CHECK (idx >= 0),
      leaf_hash ${bin} NOT NULL,
      leaf TEXT NOT NULL,
      receipt_id TEXT,
      created_at BIGINT NOT NULL)`
      : SQLITE_LEAVES_TABLE,
    `CREATE UNIQUE INDEX tlog_leaves_receipt ON tlog_leaves (receipt_id)`,
    // Leaves committed with their settlement, waiting for the sequencer to give them an index (PostgreSQL, log.ts).
    `CREATE TABLE tlog_pending (
      id ${autoId},
      leaf_hash ${bin} NOT NULL,
      leaf TEXT NOT NULL,
      receipt_id TEXT UNIQUE,
      created_at BIGINT NOT NULL)`,
    `CREATE TABLE tlog_tiles (level INTEGER NOT NULL, idx BIGINT NOT NULL, hashes ${bin} NOT NULL, PRIMARY KEY (level, idx))`,
    `CREATE TABLE tlog_checkpoints (size BIGINT PRIMARY KEY, root ${bin} NOT NULL, note TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    `CREATE TABLE tlog_cosignatures (
      size BIGINT NOT NULL REFERENCES tlog_checkpoints(size),
      vkey TEXT NOT NULL,
      line TEXT NOT NULL,
      time BIGINT NOT NULL,
      created_at BIGINT NOT NULL,
      PRIMARY KEY (size, vkey))`,
  ];
  for (const table of ['tlog_leaves', 'tlog_tiles', 'tlog_checkpoints']) {
    if (kind === 'postgres') {
      statements.push(
        `CREATE OR REPLACE FUNCTION resonate_append_only() RETURNS trigger AS $$
         BEGIN RAISE EXCEPTION 'append-only table %', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql`,
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION resonate_append_only()`,
      );
    } else {
      statements.push(
        `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, 'append-only table ${table}'); END`,
        `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, 'append-only table ${table}'); END`,
      );
    }
  }
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of statements) await sql.raw(statement).execute(db);
      await sql`INSERT INTO server_secrets (name, value) VALUES ('tlog_signing_key', ${randomBytes(32).toString('base64url')})`.execute(
        db,
      );
    },
  };
}
