import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, migrationsFor } from '../../../src/server/db/migrations';

describe('migration 0008 on a store that already ran 0009', () => {
  it('is applied (reserved migration names land in any order) and the log starts empty', async () => {
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
    try {
      const { ['0008_transparency_log']: _log, ...before } = migrationsFor('sqlite');
      const early = await new Migrator({
        db,
        provider: { getMigrations: async () => before },
      }).migrateToLatest();
      expect(early.error).toBeUndefined();
      expect(early.results?.map((r) => r.migrationName)).toContain('0009_signin_lockout_grant_keys');
      await migrateToLatest(db, 'sqlite');
      const state = await sql<{ size: number }>`SELECT size FROM tlog_state WHERE id = 1`.execute(db);
      expect(state.rows).toEqual([{ size: 0 }]);
      const key = await sql<{
        n: number;
      }>`SELECT COUNT(*) AS n FROM server_secrets WHERE name = 'tlog_signing_key'`.execute(db);
      expect(key.rows[0]!.n).toBe(1);
    } finally {
      await db.destroy();
    }
  });
});
