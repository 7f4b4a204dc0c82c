import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

export interface Migration {
  /** Unique and never renamed, e.g. `library-001-initial`. */
  readonly id: string;
  up(db: Db): void;
}

/**
 * Opens the local cache. WAL so readers never wait for the scanner; full
 * synchronous on commits that move money is set per transaction by callers
 * that need it. A native-module mismatch (better-sqlite3 built for Node but
 * loaded by Electron, or the reverse) becomes a message saying what to run.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
  } catch (error) {
    throw explainNativeModuleError(error);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

export function explainNativeModuleError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (
    /NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header|Could not locate the bindings file/.test(
      message,
    )
  ) {
    const runtime = process.versions.electron
      ? `Electron ${process.versions.electron}`
      : `Node ${process.version}`;
    const fix = process.versions.electron ? 'npm run rebuild:electron' : 'npm run rebuild:node';
    return new Error(
      `better-sqlite3 was built for another runtime than this one (${runtime}). Run \`${fix}\` and start again.\n(${message})`,
    );
  }
  return error instanceof Error ? error : new Error(message);
}

/**
 * Applies, in order, each migration not applied yet, each in its own
 * transaction, so a crash leaves the database at a whole version.
 */
export function migrate(db: Db, migrations: readonly Migration[]): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  ) STRICT`);
  const seen = new Set<string>();
  for (const m of migrations) {
    if (seen.has(m.id)) throw new Error(`Migration id used twice: ${m.id}`);
    seen.add(m.id);
  }
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id),
  );
  const ran: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    db.transaction(() => {
      migration.up(db);
      db.prepare('INSERT INTO schema_migrations (id) VALUES (?)').run(migration.id);
    })();
    ran.push(migration.id);
  }
  return ran;
}

/**
 * Refreshes the query planner's statistics where they are stale, e.g. after
 * a first scan: migrations that ran ANALYZE on empty tables leave stats that
 * make the planner choose table scans over 100,000 rows. Bounded by
 * analysis_limit, so it costs milliseconds at that size.
 */
export function refreshPlannerStatistics(db: Db): void {
  const limit = db.pragma('analysis_limit', { simple: true }) as number;
  try {
    db.pragma('analysis_limit = 1000');
    db.pragma('optimize');
  } finally {
    db.pragma(`analysis_limit = ${Math.trunc(limit)}`);
  }
}
