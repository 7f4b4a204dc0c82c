import { randomBytes } from 'node:crypto';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { StoreKind } from './store-kind';
import { transparencyLogMigration } from '../tlog/migration';
import { tlogLeavesRowidMigration } from '../tlog/migration-leaf-rowid';
import { tlogPendingReceiptIndexStatements } from '../tlog/migration-pending-index';

/**
 * Versioned migrations for both stores, applied in id order on start by
 * Kysely's Migrator (which takes an advisory lock on PostgreSQL, so several
 * instances starting at once apply each migration exactly once).
 *
 * The SQL is written once; `autoId` is the only column type that differs.
 * Money rules that must hold whatever the code does are CHECK constraints
 * and triggers here: the wallet never below zero, reservations never above
 * the balance, the ledger append-only, a paid play's index within 1..9.
 */
function initialSchema(kind: StoreKind): string[] {
  const autoId = kind === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
  const statements = [
    `CREATE TABLE users (
      id TEXT PRIMARY KEY,
      email TEXT NOT NULL UNIQUE,
      password_hash TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('listener', 'artist', 'admin')),
      created_at BIGINT NOT NULL)`,
    `CREATE TABLE sessions (
      token_hash TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id),
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      signed_out_at BIGINT)`,
    `CREATE INDEX sessions_user ON sessions (user_id)`,
    `CREATE TABLE wallets (
      user_id TEXT PRIMARY KEY REFERENCES users(id),
      balance BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
      reserved BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= balance),
      version BIGINT NOT NULL DEFAULT 0)`,
    `CREATE TABLE devices (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id),
      name TEXT NOT NULL,
      public_key TEXT NOT NULL UNIQUE,
      created_at BIGINT NOT NULL,
      revoked_at BIGINT,
      last_seq BIGINT NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
      allowance BIGINT NOT NULL DEFAULT 0 CHECK (allowance >= 0))`,
    `CREATE INDEX devices_user ON devices (user_id)`,
    `CREATE TABLE artists (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      name_key TEXT NOT NULL UNIQUE,
      created_at BIGINT NOT NULL)`,
    `CREATE TABLE artist_rightsholders (
      artist_id TEXT NOT NULL REFERENCES artists(id),
      user_id TEXT NOT NULL REFERENCES users(id),
      PRIMARY KEY (artist_id, user_id))`,
    `CREATE INDEX artist_rightsholders_user ON artist_rightsholders (user_id)`,
    `CREATE TABLE releases (
      id TEXT PRIMARY KEY,
      artist_id TEXT NOT NULL REFERENCES artists(id),
      title TEXT NOT NULL,
      created_at BIGINT NOT NULL)`,
    `CREATE TABLE tracks (
      id TEXT PRIMARY KEY,
      release_id TEXT NOT NULL REFERENCES releases(id),
      artist_id TEXT NOT NULL REFERENCES artists(id),
      title TEXT NOT NULL,
      track_number INTEGER NOT NULL,
      duration_ms BIGINT NOT NULL CHECK (duration_ms > 0),
      audio_path TEXT,
      audio_mime TEXT,
      status TEXT NOT NULL CHECK (status IN ('paid', 'free')),
      search_text TEXT NOT NULL,
      version BIGINT NOT NULL,
      created_at BIGINT NOT NULL)`,
    `CREATE INDEX tracks_release ON tracks (release_id, track_number)`,
    `CREATE INDEX tracks_version ON tracks (version)`,
    `CREATE TABLE catalog_state (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)`,
    `INSERT INTO catalog_state (id, version) VALUES (1, 0)`,
    `CREATE TABLE transfers (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('grant', 'voucher', 'play', 'buy_track', 'buy_release')),
      user_id TEXT NOT NULL REFERENCES users(id),
      receipt_id TEXT UNIQUE,
      request_id TEXT,
      note TEXT,
      created_at BIGINT NOT NULL,
      UNIQUE (user_id, request_id))`,
    `CREATE TABLE ledger_entries (
      id ${autoId},
      transfer_id TEXT NOT NULL REFERENCES transfers(id),
      account_type TEXT NOT NULL CHECK (account_type IN ('listener', 'artist', 'coop', 'issuance')),
      account_id TEXT NOT NULL,
      amount BIGINT NOT NULL CHECK (amount <> 0),
      track_id TEXT,
      created_at BIGINT NOT NULL)`,
    `CREATE INDEX ledger_account ON ledger_entries (account_type, account_id, id)`,
    `CREATE INDEX ledger_transfer ON ledger_entries (transfer_id)`,
    `CREATE TABLE plays (
      receipt_id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id),
      device_id TEXT NOT NULL REFERENCES devices(id),
      seq BIGINT NOT NULL,
      track_id TEXT NOT NULL REFERENCES tracks(id),
      artist_id TEXT NOT NULL,
      counted_at BIGINT NOT NULL,
      heard_ms BIGINT NOT NULL,
      content_hash TEXT NOT NULL,
      outcome TEXT NOT NULL CHECK (outcome IN ('paid', 'free', 'unpaid')),
      free_reason TEXT CHECK (free_reason IN ('short', 'owned', 'free_track', 'own_track')),
      play_index INTEGER,
      price BIGINT NOT NULL,
      settled_at BIGINT NOT NULL,
      UNIQUE (device_id, seq),
      CHECK ((outcome = 'paid' AND play_index BETWEEN 1 AND 9 AND price > 0)
          OR (outcome <> 'paid' AND play_index IS NULL AND price = 0)),
      CHECK ((outcome = 'free') = (free_reason IS NOT NULL)))`,
    `CREATE INDEX plays_user_track ON plays (user_id, track_id)`,
    `CREATE INDEX plays_artist ON plays (artist_id, counted_at)`,
    `CREATE TABLE listener_tracks (
      user_id TEXT NOT NULL REFERENCES users(id),
      track_id TEXT NOT NULL REFERENCES tracks(id),
      paid_plays INTEGER NOT NULL CHECK (paid_plays BETWEEN 0 AND 9),
      total_plays INTEGER NOT NULL CHECK (total_plays >= 0),
      paid_amount BIGINT NOT NULL CHECK (paid_amount BETWEEN 0 AND 1022),
      owned_at BIGINT,
      version BIGINT NOT NULL,
      PRIMARY KEY (user_id, track_id),
      CHECK (paid_plays < 9 OR owned_at IS NOT NULL))`,
    `CREATE INDEX listener_tracks_version ON listener_tracks (user_id, version)`,
    `CREATE TABLE seq_gaps (
      device_id TEXT NOT NULL REFERENCES devices(id),
      from_seq BIGINT NOT NULL,
      to_seq BIGINT NOT NULL CHECK (to_seq >= from_seq),
      detected_at BIGINT NOT NULL,
      PRIMARY KEY (device_id, from_seq))`,
    `CREATE TABLE voucher_batches (
      id TEXT PRIMARY KEY,
      value BIGINT NOT NULL CHECK (value > 0),
      count INTEGER NOT NULL CHECK (count > 0),
      note TEXT,
      created_by TEXT NOT NULL REFERENCES users(id),
      created_at BIGINT NOT NULL)`,
    `CREATE TABLE vouchers (
      code_hash TEXT PRIMARY KEY,
      batch_id TEXT NOT NULL REFERENCES voucher_batches(id),
      redeemed_by TEXT REFERENCES users(id),
      redeemed_at BIGINT,
      CHECK ((redeemed_by IS NULL) = (redeemed_at IS NULL)))`,
  ];
  // The ledger and the plays are append-only: corrections are new entries.
  const appendOnly = ['ledger_entries', 'transfers', 'plays'];
  for (const table of appendOnly) {
    if (kind === 'postgres') {
      statements.push(
        `CREATE OR REPLACE FUNCTION resonate_append_only() RETURNS trigger AS $$
         BEGIN RAISE EXCEPTION 'append-only table %', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql`,
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION resonate_append_only()`,
      );
    } else {
      statements.push(
        `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
         BEGIN SELECT RAISE(ABORT, 'append-only table ${table}'); END`,
        `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
         BEGIN SELECT RAISE(ABORT, 'append-only table ${table}'); END`,
      );
    }
  }
  return statements;
}

/** Every migration by name (exported for tests that stop at an earlier step). */
export function migrationsFor(kind: StoreKind): Record<string, Migration> {
  const fromStatements = (statements: string[]): Migration => ({
    async up(db: Kysely<unknown>) {
      for (const statement of statements) await sql.raw(statement).execute(db);
    },
  });
  return {
    '0001_initial': fromStatements(initialSchema(kind)),
    // Earnings reports for artists' audits need each play's receipt as signed.
    '0002_signed_receipts': {
      async up(db: Kysely<unknown>) {
        await sql.raw('ALTER TABLE plays ADD COLUMN receipt_json TEXT').execute(db);
        await sql.raw('ALTER TABLE plays ADD COLUMN signature TEXT').execute(db);
        await sql.raw('CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)').execute(db);
        // Made here, once, so every instance shares it (the migration runs under the migrator's lock).
        await sql`INSERT INTO server_secrets (name, value) VALUES ('report_pseudonyms', ${randomBytes(32).toString('base64url')})`.execute(
          db,
        );
      },
    },
    // Publishing from the app: drafts, resumable uploads, unpublish.
    '0003_publishing': fromStatements([
      `ALTER TABLE releases ADD COLUMN status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published', 'unpublished'))`,
      `ALTER TABLE releases ADD COLUMN status_changed_at BIGINT`,
      `CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        release_id TEXT NOT NULL REFERENCES releases(id),
        user_id TEXT NOT NULL REFERENCES users(id),
        file_name TEXT NOT NULL,
        title TEXT,
        track_number INTEGER,
        track_status TEXT NOT NULL CHECK (track_status IN ('paid', 'free')),
        size BIGINT NOT NULL CHECK (size > 0),
        sha256 TEXT NOT NULL,
        received BIGINT NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
        state TEXT NOT NULL CHECK (state IN ('receiving', 'accepted', 'rejected')),
        reject_reason TEXT,
        duration_ms BIGINT,
        audio_path TEXT,
        audio_mime TEXT,
        track_id TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL)`,
      `CREATE INDEX uploads_release ON uploads (release_id)`,
    ]),
    // Sign-in / sign-up rate-limit counters, shared by every instance.
    '0004_rate_limits': fromStatements([
      `CREATE TABLE rate_limits (key TEXT PRIMARY KEY, window_start BIGINT NOT NULL, count INTEGER NOT NULL)`,
    ]),
    // Settlement writes every index of plays 100 times a batch: keep only the
    // ones a query uses. Nothing reads plays by (user, track) (listener_tracks
    // holds the counts); earnings and reports read an artist's plays by
    // settlement time, not counted-at time.
    '0005_play_indexes': fromStatements([
      `DROP INDEX plays_user_track`,
      `DROP INDEX plays_artist`,
      `CREATE INDEX plays_artist_settled ON plays (artist_id, settled_at)`,
    ]),
    // A per-listener settlement sequence: the order in which the server decided a
    // listener's plays and purchases (under the wallet lock), for the earnings
    // report; wall-clock settled_at can tie or, across instances, disagree.
    '0006_settlement_seq': {
      async up(db: Kysely<unknown>) {
        for (const statement of settlementSeqBackfill(kind)) await sql.raw(statement).execute(db);
      },
    },
    // Time-window verdicts and a reused seq no longer void a charge: such plays
    // are settled and the anomaly is kept with the play; a revoked or released
    // device's allowance stays reserved (frozen) for its receipts.
    '0007_settlement_anomalies': fromStatements(settlementAnomalies(kind)),
    // The public transparency log of settlements (docs/transparency-log.md, src/server/tlog).
    '0008_transparency_log': transparencyLogMigration(kind),
    // Server hardening: failed sign-ins per account (exponential back-off shared by
    // every instance, accounts/lockout.ts) and idempotency keys of admin grants.
    '0009_signin_lockout_grant_keys': fromStatements([
      `CREATE TABLE sign_in_failures (
        account_key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL CHECK (failures >= 0),
        locked_until BIGINT NOT NULL,
        last_failure_at BIGINT NOT NULL)`,
      `CREATE TABLE grant_requests (
        idempotency_key TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL,
        transfer_id TEXT NOT NULL REFERENCES transfers(id),
        balance_after BIGINT NOT NULL,
        created_at BIGINT NOT NULL)`,
    ]),
    // Reversals of credit grants made in error (credits/reverse-grant.ts): once per grant, keyed by
    // the admin's idempotency key; the reversing transfer and its correction leaf commit with the row.
    '0010_grant_reversals': fromStatements([
      `CREATE TABLE grant_reversals (
        grant_transfer_id TEXT PRIMARY KEY REFERENCES transfers(id),
        reversal_transfer_id TEXT NOT NULL UNIQUE REFERENCES transfers(id),
        idempotency_key TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id),
        amount BIGINT NOT NULL CHECK (amount > 0),
        reason TEXT NOT NULL,
        balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
        corrects BIGINT CHECK (corrects >= 0),
        created_by TEXT NOT NULL REFERENCES users(id),
        created_at BIGINT NOT NULL)`,
    ]),
    // SQLite: leaf indexes as the rowid, one b-tree fewer per leaf written (tlog/migration-leaf-rowid.ts).
    '0011_tlog_leaves_rowid': tlogLeavesRowidMigration(kind),
    // PostgreSQL: no unique index on the sequencer's queue (tlog/migration-pending-index.ts).
    '0012_tlog_pending_receipt_index': fromStatements(tlogPendingReceiptIndexStatements(kind)),
    // Grant reversals get their own transfer kind (no longer counted as grants), and credit
    // leaves an index by event hash (a reversal finds its grant's leaf without searching the log).
    '0013_tlog_event_index': {
      async up(db: Kysely<unknown>) {
        if (kind === 'postgres') {
          for (const statement of reversalKindPostgres()) await sql.raw(statement).execute(db);
          for (const statement of await eventIndexStatements(db, kind)) await sql.raw(statement).execute(db);
        } else await reversalKindAndEventIndexSqlite(db);
      },
    },
    // A "buy the rest" that bought nothing (everything already owned or free) writes no transfer; its
    // request id is kept here so a resend answers the first result (settlement/purchase-post.ts).
    '0014_empty_purchases': fromStatements([
      `CREATE TABLE empty_purchases (
        user_id TEXT NOT NULL REFERENCES users(id),
        request_id TEXT NOT NULL,
        transfer_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (user_id, request_id))`,
    ]),
  };
}

const TRANSFER_KINDS_BEFORE_0013 = "CHECK (kind IN ('grant', 'voucher', 'play', 'buy_track', 'buy_release'))";
const TRANSFER_KINDS =
  "CHECK (kind IN ('grant', 'voucher', 'play', 'buy_track', 'buy_release', 'grant_reversal'))";
/** A reversal is exactly a transfer `reversal:…`: an instance still on the old version cannot write one as a grant. */
const REVERSAL_KIND = "CHECK ((kind = 'grant_reversal') = (substr(id, 1, 9) = 'reversal:'))";

/** 0013 on PostgreSQL: the kind's CHECK replaced; reversals (append-only rows: the trigger steps aside) re-kinded. */
function reversalKindPostgres(): string[] {
  const trigger = `CREATE TRIGGER transfers_append_only BEFORE UPDATE OR DELETE ON transfers
     FOR EACH ROW EXECUTE FUNCTION resonate_append_only()`;
  return [
    'ALTER TABLE transfers DROP CONSTRAINT transfers_kind_check',
    'DROP TRIGGER transfers_append_only ON transfers',
    `UPDATE transfers SET kind = 'grant_reversal' WHERE substr(id, 1, 9) = 'reversal:'`,
    trigger,
    `ALTER TABLE transfers ADD CONSTRAINT transfers_kind_check ${TRANSFER_KINDS}`,
    `ALTER TABLE transfers ADD CONSTRAINT transfers_reversal_kind ${REVERSAL_KIND}`,
  ];
}

/**
 * 0013's credit-leaf index (tlog/event-index.ts): the table, filled from the
 * credit leaves already in the log, their `kind` and `event` read from the
 * leaf's JSON inside the database; only leaves without a receipt, so no play
 * is read. A credit leaf still waiting for the sequencer has no index yet
 * (findCreditLeaf finds and records it once numbered).
 */
async function eventIndexStatements(db: Kysely<unknown>, kind: StoreKind): Promise<string[]> {
  const create =
    'CREATE TABLE tlog_events (event_hash TEXT PRIMARY KEY, idx BIGINT NOT NULL CHECK (idx >= 0))';
  // Migrations land in any order: a store without the log yet (0008 still to come) has no leaves to index.
  const log = await sql
    .raw<{ n: unknown }>(
      kind === 'postgres'
        ? `SELECT COUNT(*) AS n FROM (SELECT to_regclass('tlog_leaves') AS t) r WHERE t IS NOT NULL`
        : `SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'tlog_leaves'`,
    )
    .execute(db);
  if (!Number(log.rows[0]?.n)) return [create];
  const field = (name: string) =>
    kind === 'postgres' ? `(leaf::json ->> '${name}')` : `json_extract(leaf, '$.${name}')`;
  return [
    create,
    `INSERT INTO tlog_events (event_hash, idx)
       SELECT ${field('event')}, MIN(idx) FROM tlog_leaves
       WHERE receipt_id IS NULL AND ${field('kind')} IN ('grant', 'voucher', 'correction')
       GROUP BY ${field('event')}`,
  ];
}

/**
 * 0013 on SQLite, which cannot change a table's CHECK: transfers is rebuilt
 * from its own DDL (so whatever columns, indexes and triggers it has now are
 * kept), with foreign keys off for the swap (ledger_entries, grant_requests and
 * grant_reversals reference it by name) and checked before the commit. The
 * migrator runs SQLite migrations outside a transaction; this one is its own.
 */
async function reversalKindAndEventIndexSqlite(db: Kysely<unknown>): Promise<void> {
  const run = (statement: string) => sql.raw(statement).execute(db);
  const keys = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(db);
  await run('PRAGMA foreign_keys = OFF');
  await run('BEGIN');
  try {
    for (const statement of await transfersRebuild(db)) await run(statement);
    for (const statement of await eventIndexStatements(db, 'sqlite')) await run(statement);
    await assertReferencesToTransfersHold(db);
    await run('COMMIT');
  } catch (error) {
    await run('ROLLBACK');
    throw error;
  } finally {
    await run(`PRAGMA foreign_keys = ${keys.rows[0]?.foreign_keys ? 'ON' : 'OFF'}`);
  }
}

/** The rows that reference transfers still find theirs (only those tables: the rebuild can break no other reference). */
async function assertReferencesToTransfersHold(db: Kysely<unknown>): Promise<void> {
  const referencing = await sql<{ name: string }>`
    SELECT DISTINCT m.name FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
    WHERE m.type = 'table' AND f."table" = 'transfers'`.execute(db);
  for (const { name } of referencing.rows) {
    const check = await sql.raw<{ parent: string }>(`PRAGMA foreign_key_check(${name})`).execute(db);
    const broken = check.rows.filter((r) => r.parent === 'transfers');
    if (broken.length)
      throw new Error(`0013: ${name} rows lost their transfer: ${JSON.stringify(broken.slice(0, 3))}`);
  }
}

async function transfersRebuild(db: Kysely<unknown>): Promise<string[]> {
  const schema = await sql<{ type: string; sql: string }>`
    SELECT type, sql FROM sqlite_master WHERE tbl_name = 'transfers' AND sql IS NOT NULL`.execute(db);
  const table = schema.rows.find((r) => r.type === 'table')?.sql ?? '';
  if (!table.startsWith('CREATE TABLE transfers (') || !table.includes(TRANSFER_KINDS_BEFORE_0013))
    throw new Error(`0013: transfers is not as 0001 made it: ${table}`);
  const ddl = table
    .replace('CREATE TABLE transfers (', 'CREATE TABLE transfers_0013 (')
    .replace(TRANSFER_KINDS_BEFORE_0013, TRANSFER_KINDS)
    .replace(/\)\s*$/, `,\n      ${REVERSAL_KIND})`);
  const info = await sql<{ name: string }>`PRAGMA table_info(transfers)`.execute(db);
  const columns = info.rows.map((c) => c.name);
  const values = columns.map((c) =>
    c === 'kind' ? `CASE WHEN substr(id, 1, 9) = 'reversal:' THEN 'grant_reversal' ELSE kind END` : c,
  );
  return [
    ddl,
    `INSERT INTO transfers_0013 (${columns.join(', ')}) SELECT ${values.join(', ')} FROM transfers`,
    // Its indexes and triggers go with the dropped table (a DROP fires no DELETE trigger); made again below.
    'DROP TABLE transfers',
    'ALTER TABLE transfers_0013 RENAME TO transfers',
    ...schema.rows.filter((r) => r.type === 'index' || r.type === 'trigger').map((r) => r.sql),
  ];
}

/**
 * `wallets.settle_seq` (the last number given), `plays.settle_seq` and
 * `transfers.settle_seq` (purchases and play charges; null for grants and
 * vouchers). Existing rows are numbered per listener in the order the report
 * used so far: settlement time, plays before purchases at the same instant,
 * then counted-at, device seq, receipt id. plays and transfers are
 * append-only, so their triggers step aside for the backfill only.
 */
function settlementSeqBackfill(kind: StoreKind): string[] {
  const triggers =
    kind === 'postgres'
      ? {
          drop: [
            'DROP TRIGGER plays_append_only ON plays',
            'DROP TRIGGER transfers_append_only ON transfers',
          ],
          create: ['plays', 'transfers'].map(
            (table) =>
              `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION resonate_append_only()`,
          ),
        }
      : {
          drop: ['DROP TRIGGER plays_no_update', 'DROP TRIGGER transfers_no_update'],
          create: ['plays', 'transfers'].map(
            (table) =>
              `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, 'append-only table ${table}'); END`,
          ),
        };
  return [
    'ALTER TABLE wallets ADD COLUMN settle_seq BIGINT NOT NULL DEFAULT 0',
    'ALTER TABLE plays ADD COLUMN settle_seq BIGINT',
    'ALTER TABLE transfers ADD COLUMN settle_seq BIGINT',
    `CREATE TABLE settle_seq_backfill AS
       SELECT kind, id, user_id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY at, k, counted_at, seq, id) AS n FROM (
         SELECT 'play' AS kind, receipt_id AS id, user_id, settled_at AS at, 0 AS k, counted_at, seq FROM plays
         UNION ALL
         SELECT 'purchase', id, user_id, created_at, 1, 0, 0 FROM transfers WHERE kind IN ('buy_track', 'buy_release')
       ) u`,
    ...triggers.drop,
    `UPDATE plays SET settle_seq = (SELECT b.n FROM settle_seq_backfill b WHERE b.kind = 'play' AND b.id = plays.receipt_id)`,
    `UPDATE transfers SET settle_seq = (SELECT b.n FROM settle_seq_backfill b WHERE b.kind = 'purchase' AND b.id = transfers.id)
       WHERE kind IN ('buy_track', 'buy_release')`,
    `UPDATE transfers SET settle_seq = (SELECT p.settle_seq FROM plays p WHERE p.receipt_id = transfers.receipt_id) WHERE kind = 'play'`,
    ...triggers.create,
    `UPDATE wallets SET settle_seq = COALESCE((SELECT MAX(b.n) FROM settle_seq_backfill b WHERE b.user_id = wallets.user_id), 0)`,
    'DROP TABLE settle_seq_backfill',
  ];
}

/**
 * `plays.anomaly` ('counted_in_future', 'too_old', 'seq_reused', comma-joined)
 * and `plays.clock_skew_ms`; (device_id, seq) no longer unique (a device
 * restored from a backup replays seq numbers under new receipt ids; the
 * receipt id stays the exactly-once key), only indexed. `devices.frozen_until`
 * and `devices.release_seq` keep a revoked or released device's allowance
 * reserved until its receipts are in or the receipt age limit has passed.
 * SQLite cannot drop a table constraint: plays is rebuilt (its triggers with it).
 */
function settlementAnomalies(kind: StoreKind): string[] {
  const devices = [
    'ALTER TABLE devices ADD COLUMN frozen_until BIGINT',
    'ALTER TABLE devices ADD COLUMN release_seq BIGINT',
  ];
  if (kind === 'postgres') {
    return [
      'ALTER TABLE plays DROP CONSTRAINT plays_device_id_seq_key',
      'ALTER TABLE plays ADD COLUMN anomaly TEXT',
      'ALTER TABLE plays ADD COLUMN clock_skew_ms BIGINT',
      'CREATE INDEX plays_device_seq ON plays (device_id, seq)',
      ...devices,
    ];
  }
  const columns =
    'receipt_id, user_id, device_id, seq, track_id, artist_id, counted_at, heard_ms, content_hash, outcome, free_reason, play_index, price, settled_at, receipt_json, signature, settle_seq';
  return [
    `CREATE TABLE plays_0007 (
      receipt_id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id),
      device_id TEXT NOT NULL REFERENCES devices(id),
      seq BIGINT NOT NULL,
      track_id TEXT NOT NULL REFERENCES tracks(id),
      artist_id TEXT NOT NULL,
      counted_at BIGINT NOT NULL,
      heard_ms BIGINT NOT NULL,
      content_hash TEXT NOT NULL,
      outcome TEXT NOT NULL CHECK (outcome IN ('paid', 'free', 'unpaid')),
      free_reason TEXT CHECK (free_reason IN ('short', 'owned', 'free_track', 'own_track')),
      play_index INTEGER,
      price BIGINT NOT NULL,
      settled_at BIGINT NOT NULL,
      receipt_json TEXT,
      signature TEXT,
      settle_seq BIGINT,
      anomaly TEXT,
      clock_skew_ms BIGINT,
      CHECK ((outcome = 'paid' AND play_index BETWEEN 1 AND 9 AND price > 0)
          OR (outcome <> 'paid' AND play_index IS NULL AND price = 0)),
      CHECK ((outcome = 'free') = (free_reason IS NOT NULL)))`,
    `INSERT INTO plays_0007 (${columns}) SELECT ${columns} FROM plays`,
    'DROP TABLE plays',
    'ALTER TABLE plays_0007 RENAME TO plays',
    'CREATE INDEX plays_artist_settled ON plays (artist_id, settled_at)',
    'CREATE INDEX plays_device_seq ON plays (device_id, seq)',
    `CREATE TRIGGER plays_no_update BEFORE UPDATE ON plays BEGIN SELECT RAISE(ABORT, 'append-only table plays'); END`,
    `CREATE TRIGGER plays_no_delete BEFORE DELETE ON plays BEGIN SELECT RAISE(ABORT, 'append-only table plays'); END`,
    ...devices,
  ];
}

// Migrations must not depend on the current schema's types (Kysely's own advice), hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>, kind: StoreKind): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(kind) };
  // Reserved names (0007 settlement, 0008 transparency log, 0009 hardening) land in any
  // order: a store that already ran 0009 still gets 0007 and 0008 (each is independent).
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
