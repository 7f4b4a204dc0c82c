import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreKind } from '../db/store-kind';

/**
 * Migration 0011_tlog_leaves_rowid (SQLite only): `tlog_leaves.idx` becomes
 * the table's rowid. Declared `BIGINT PRIMARY KEY` (as 0008 first did), SQLite
 * kept a hidden rowid AND a separate unique index on idx, so every leaf written
 * in a settling transaction went into three b-trees; `INTEGER PRIMARY KEY` is
 * the rowid itself, so a leaf goes into two (the rows, and the receipt index).
 * 0008 now creates that form; this rebuilds a log made by the earlier 0008,
 * keeping its rows, receipt index and append-only triggers. Migrations may land
 * in any order (migrateToLatest), so a store without the table yet is left to
 * 0008. PostgreSQL has no rowid; nothing changes there.
 */
export const SQLITE_LEAVES_TABLE = `CREATE TABLE tlog_leaves (
      idx INTEGER PRIMARY KEY CHECK (idx >= 0),
      leaf_hash BLOB NOT NULL,
      leaf TEXT NOT NULL,
      receipt_id TEXT,
      created_at BIGINT NOT NULL)`;

const REBUILD = [
  `ALTER TABLE tlog_leaves RENAME TO tlog_leaves_before_rowid`,
  // The old table's triggers and index go with it when it is dropped (a DROP fires no DELETE trigger).
  `DROP INDEX tlog_leaves_receipt`,
  SQLITE_LEAVES_TABLE,
  `INSERT INTO tlog_leaves (idx, leaf_hash, leaf, receipt_id, created_at)
     SELECT idx, leaf_hash, leaf, receipt_id, created_at FROM tlog_leaves_before_rowid ORDER BY idx`,
  `DROP TABLE tlog_leaves_before_rowid`,
  `CREATE UNIQUE INDEX tlog_leaves_receipt ON tlog_leaves (receipt_id)`,
  `CREATE TRIGGER tlog_leaves_no_update BEFORE UPDATE ON tlog_leaves BEGIN SELECT RAISE(ABORT, 'append-only table tlog_leaves'); END`,
  `CREATE TRIGGER tlog_leaves_no_delete BEFORE DELETE ON tlog_leaves BEGIN SELECT RAISE(ABORT, 'append-only table tlog_leaves'); END`,
];

export function tlogLeavesRowidMigration(kind: StoreKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (kind === 'postgres') return;
      const table = await sql<{
        sql: string;
      }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'tlog_leaves'`.execute(db);
      const ddl = table.rows[0]?.sql;
      if (!ddl || /idx INTEGER PRIMARY KEY/.test(ddl)) return;
      for (const statement of REBUILD) await sql.raw(statement).execute(db);
    },
  };
}
