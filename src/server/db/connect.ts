import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';
import { migrateToLatest } from './migrations';
import { startCheckpointer } from './sqlite-checkpointer';
import type { StoreKind } from './store-kind';

export type { StoreKind } from './store-kind';

export interface Store {
  db: Kysely<Database>;
  kind: StoreKind;
  /**
   * SQLite only: the one connection Kysely's dialect runs on, for a hot path that
   * reuses a prepared statement inside a Kysely transaction (same connection, so
   * the same transaction: src/server/tlog/append.ts). Never for writes outside one.
   */
  sqlite?: BetterSqlite3.Database;
  close(): Promise<void>;
}

export type StoreOptions =
  | {
      kind: 'sqlite';
      dataDir: string;
      /** Default true: WAL checkpoints on a worker thread instead of inside commits. */ backgroundCheckpoints?: boolean;
    }
  | { kind: 'postgres'; databaseUrl: string; poolSize?: number };

/** pg returns BIGINT (int8) and NUMERIC (sums) as strings; our amounts fit in a double exactly. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Opens the store and brings its schema to the latest migration. */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.kind === 'sqlite') {
    mkdirSync(options.dataDir, { recursive: true });
    const file = new BetterSqlite3(join(options.dataDir, 'resonate-server.sqlite'));
    file.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a power cut may lose the last commits, never corrupt.
    file.pragma('synchronous = NORMAL');
    file.pragma('foreign_keys = ON');
    file.pragma('busy_timeout = 5000');
    file.defaultSafeIntegers(false);
    const path = join(options.dataDir, 'resonate-server.sqlite');
    // Checkpoints run beside the writer (sqlite-checkpointer.ts); this is the backstop.
    if (options.backgroundCheckpoints !== false) file.pragma('wal_autocheckpoint = 10000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
    await migrateToLatest(db, 'sqlite');
    const checkpointer = options.backgroundCheckpoints !== false ? startCheckpointer(path) : null;
    return {
      db,
      kind: 'sqlite',
      sqlite: file,
      close: async () => {
        await checkpointer?.stop();
        await db.destroy();
      },
    };
  }
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    types: pgTypes,
  });
  // An idle pooled connection that the server drops (restart, failover,
  // pg_terminate_backend) emits 'error' on the pool; unhandled, that would
  // end the process. The pool discards the client; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db, 'postgres');
  return { db, kind: 'postgres', close: () => db.destroy() };
}
