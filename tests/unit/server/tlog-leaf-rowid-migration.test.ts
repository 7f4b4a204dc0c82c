import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrationsFor } from '../../../src/server/db/migrations';

/**
 * Migration 0011 makes tlog_leaves.idx SQLite's rowid (one b-tree fewer per
 * leaf written). A log that already holds leaves keeps every one of them,
 * byte for byte, and stays append-only with one leaf per receipt.
 */
describe('migration 0011_tlog_leaves_rowid (SQLite)', () => {
  it('keeps every leaf, the receipt index and the append-only rule, with idx as the rowid', async () => {
    const raw = new BetterSqlite3(':memory:');

    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) });
    const migrations = migrationsFor('sqlite');
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo('0010_grant_reversals')).error).toBeUndefined();
    // A log made by 0008 as it first was: idx declared BIGINT, so not the rowid.
    raw.exec(`DROP TABLE tlog_leaves;
      CREATE TABLE tlog_leaves (idx BIGINT PRIMARY KEY CHECK (idx >= 0), leaf_hash BLOB NOT NULL,
        leaf TEXT NOT NULL, receipt_id TEXT, created_at BIGINT NOT NULL);
      CREATE UNIQUE INDEX tlog_leaves_receipt ON tlog_leaves (receipt_id);
      CREATE TRIGGER tlog_leaves_no_update BEFORE UPDATE ON tlog_leaves BEGIN SELECT RAISE(ABORT, 'append-only table tlog_leaves'); END;
      CREATE TRIGGER tlog_leaves_no_delete BEFORE DELETE ON tlog_leaves BEGIN SELECT RAISE(ABORT, 'append-only table tlog_leaves'); END;`);

    const insert = raw.prepare(
      'INSERT INTO tlog_leaves (idx, leaf_hash, leaf, receipt_id, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    const rows = Array.from({ length: 300 }, (_, i) => ({
      idx: i,
      leaf_hash: Buffer.alloc(32, i % 256),
      leaf: `{"leaf":${i}}`,
      receipt_id: i % 3 === 0 ? null : `r-${i}`,
      created_at: 1_000 + i,
    }));
    for (const r of rows) insert.run(r.idx, r.leaf_hash, r.leaf, r.receipt_id, r.created_at);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();

    const after = raw
      .prepare('SELECT idx, leaf_hash, leaf, receipt_id, created_at FROM tlog_leaves ORDER BY idx')
      .all();
    expect(after).toEqual(rows);
    const ddl = (
      raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'tlog_leaves'").get() as { sql: string }
    ).sql;
    expect(ddl).toMatch(/idx INTEGER PRIMARY KEY/);
    // The rowid is the leaf index: no separate index on idx any more.
    expect(raw.prepare('SELECT rowid AS r, idx FROM tlog_leaves WHERE idx = 42').get()).toEqual({
      r: 42,
      idx: 42,
    });
    const indexes = raw
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tlog_leaves'")
      .all();
    expect(indexes).toEqual([{ name: 'tlog_leaves_receipt' }]);

    expect(() => raw.prepare("UPDATE tlog_leaves SET leaf = 'x' WHERE idx = 1").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM tlog_leaves WHERE idx = 1').run()).toThrow(/append-only/);
    expect(() => insert.run(300, Buffer.alloc(32), '{}', 'r-1', 0)).toThrow(/UNIQUE/);
    expect(() => insert.run(5, Buffer.alloc(32), '{}', 'r-new', 0)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run(-1, Buffer.alloc(32), '{}', 'r-neg', 0)).toThrow(/CHECK/);
    await db.destroy();
  });

  it('gives a new store the rowid form from 0008 on, and 0011 leaves it as it is', async () => {
    const raw = new BetterSqlite3(':memory:');

    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) });
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrationsFor('sqlite') } });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const ddl = (
      raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'tlog_leaves'").get() as { sql: string }
    ).sql;
    expect(ddl).toMatch(/idx INTEGER PRIMARY KEY/);
    const triggers = raw
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tlog_leaves' ORDER BY name",
      )
      .all();
    expect(triggers).toEqual([{ name: 'tlog_leaves_no_delete' }, { name: 'tlog_leaves_no_update' }]);
    await db.destroy();
  });
});
