import { assert } from '../../../shared/assert';
import type { Db, Migration } from '../db/database';

/**
 * stream2own-001-initial, as shipped: one statement list per table, run as the one
 * string it always was (the lists joined, then the closing indentation of the original
 * template), so the SQL is the same byte for byte. Never edit these.
 */
const COOP_TRACKS_SQL = `
        -- The co-op catalog as cached on this device; the sync engine fills it.
        CREATE TABLE coop_tracks (
          id TEXT PRIMARY KEY,
          title TEXT NOT NULL,
          artist TEXT NOT NULL,
          album TEXT,
          duration_ms INTEGER NOT NULL CHECK (duration_ms > 0),
          status TEXT NOT NULL CHECK (status IN ('paid', 'free')),
          rightsholder TEXT NOT NULL,
          is_own INTEGER NOT NULL DEFAULT 0 CHECK (is_own IN (0, 1)),
          local_file TEXT,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX coop_tracks_by_artist ON coop_tracks (artist COLLATE NOCASE, title COLLATE NOCASE);
`;
const COOP_TRACK_PROGRESS_SQL = `
        -- This listener's stream-to-own progress per co-op track. Kept apart from the
        -- catalog so a catalog refresh never touches money state. Sync overwrites it
        -- with the server's counts (which include the listener's other devices).
        CREATE TABLE coop_track_progress (
          track_id TEXT PRIMARY KEY,
          paid_plays INTEGER NOT NULL DEFAULT 0 CHECK (paid_plays BETWEEN 0 AND 9),
          owned INTEGER NOT NULL DEFAULT 0 CHECK (owned IN (0, 1)),
          owned_at INTEGER,
          counted_plays INTEGER NOT NULL DEFAULT 0 CHECK (counted_plays >= 0),
          previews INTEGER NOT NULL DEFAULT 0 CHECK (previews >= 0),
          CHECK (paid_plays < 9 OR owned = 1)
        ) STRICT;
`;
const WALLET_SQL = `
        -- One row: the balance as last known from the server, and the device's offline allowance.
        CREATE TABLE wallet (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          balance_thousandths INTEGER NOT NULL DEFAULT 0 CHECK (balance_thousandths >= 0),
          balance_as_of INTEGER,
          allowance_thousandths INTEGER CHECK (allowance_thousandths >= 0)
        ) STRICT;
        INSERT INTO wallet (id) VALUES (1);
`;
const DEVICES_SQL = `
        -- Every device identity this install has had. One is current (retired_at NULL);
        -- old ones stay, so receipts they signed still name a known device.
        CREATE TABLE devices (
          id TEXT PRIMARY KEY,
          public_key TEXT NOT NULL UNIQUE,
          created_at INTEGER NOT NULL,
          retired_at INTEGER,
          next_seq INTEGER NOT NULL DEFAULT 1 CHECK (next_seq >= 1)
        ) STRICT;
        CREATE UNIQUE INDEX devices_one_current ON devices ((retired_at IS NULL)) WHERE retired_at IS NULL;
`;
const OUTBOX_SQL = `
        -- Signed play receipts, kept byte for byte until the server has answered them.
        CREATE TABLE outbox (
          id TEXT PRIMARY KEY,
          device_id TEXT NOT NULL REFERENCES devices (id),
          seq INTEGER NOT NULL CHECK (seq >= 1),
          canonical_json TEXT NOT NULL,
          signature TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          last_sent_at INTEGER,
          answered_at INTEGER,
          answer TEXT,
          UNIQUE (device_id, seq)
        ) STRICT;
        CREATE INDEX outbox_unanswered ON outbox (created_at) WHERE answered_at IS NULL;
`;
const COOP_PLAYS_SQL = `
        -- History: every counted play of a co-op track (and every preview), with its charge.
        -- A charge and its receipt are written in the same transaction.
        CREATE TABLE coop_plays (
          id INTEGER PRIMARY KEY,
          session_id TEXT NOT NULL UNIQUE,
          track_id TEXT NOT NULL,
          outcome TEXT NOT NULL CHECK (outcome IN ('charged', 'free', 'preview')),
          free_reason TEXT CHECK (free_reason IN ('owned', 'own_track', 'free_track', 'short_track')),
          paid_play_number INTEGER CHECK (paid_play_number BETWEEN 1 AND 9),
          price_thousandths INTEGER NOT NULL CHECK (price_thousandths >= 0),
          charge_thousandths INTEGER NOT NULL CHECK (charge_thousandths >= 0),
          artist_ten_thousandths INTEGER NOT NULL CHECK (artist_ten_thousandths >= 0),
          coop_ten_thousandths INTEGER NOT NULL CHECK (coop_ten_thousandths >= 0),
          heard_ms INTEGER NOT NULL CHECK (heard_ms >= 0),
          session_started_at INTEGER NOT NULL,
          counted_at INTEGER NOT NULL,
          receipt_id TEXT UNIQUE REFERENCES outbox (id),
          settled_at INTEGER,
          CHECK (artist_ten_thousandths + coop_ten_thousandths = charge_thousandths * 10),
          CHECK ((outcome = 'preview') = (receipt_id IS NULL)),
          CHECK (outcome = 'charged' OR charge_thousandths = 0),
          CHECK ((outcome = 'free') = (free_reason IS NOT NULL))
        ) STRICT;
        CREATE INDEX coop_plays_unsettled ON coop_plays (id) WHERE settled_at IS NULL AND charge_thousandths > 0;
`;
const INITIAL_STATEMENTS: readonly string[] = [
  COOP_TRACKS_SQL,
  COOP_TRACK_PROGRESS_SQL,
  WALLET_SQL,
  DEVICES_SQL,
  OUTBOX_SQL,
  COOP_PLAYS_SQL,
];
const INITIAL_SQL = `${INITIAL_STATEMENTS.join('')}      `;

/**
 * Stream to own's tables in the local cache. Money columns are INTEGER
 * thousandths of a credit (earnings: ten-thousandths); CHECKs make a bug
 * fail loudly instead of writing a negative balance. Append new steps; never
 * edit one that has shipped.
 */
export const stream2ownMigrations: readonly Migration[] = [
  {
    id: 'stream2own-001-initial',
    up(db) {
      db.exec(INITIAL_SQL);
    },
  },
  {
    // The server unpublishes releases (docs/server-api.md): the pull sends such tracks once
    // more with published = false. The row stays (history, progress and downloads refer to
    // it); browsing hides it unless the listener owns it or holds its rights.
    id: 'stream2own-002-published',
    up(db) {
      db.exec(
        `ALTER TABLE coop_tracks ADD COLUMN published INTEGER NOT NULL DEFAULT 1 CHECK (published IN (0, 1))`,
      );
    },
  },
  {
    // Issue 11 (free-play holes), app side:
    // - the wallet row remembers whose it is (server, account, device identity): spendable is
    //   0 for anyone else (docs/sync.md, "Wallet binding");
    // - the server's clock as learned at each sync: receipts are stamped with it;
    // - outbox rows the server answered "not now" are retried with backoff, never voided;
    // - heard time of an uncounted track per listener, across sessions, for 24 h: one free
    //   preview per window, not one per session (docs/listening-guard.md).
    id: 'stream2own-003-free-play-holes',
    up(db) {
      db.exec(`
        ALTER TABLE wallet ADD COLUMN server_key TEXT;
        ALTER TABLE wallet ADD COLUMN user_id TEXT;
        ALTER TABLE wallet ADD COLUMN device_id TEXT;

        CREATE TABLE server_clock (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          offset_ms INTEGER NOT NULL DEFAULT 0,
          learned_at INTEGER,
          server_key TEXT
        ) STRICT;
        INSERT INTO server_clock (id) VALUES (1);

        ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
        ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER;
        ALTER TABLE outbox ADD COLUMN last_reason TEXT;

        CREATE TABLE coop_preview_heard (
          listener TEXT NOT NULL,
          track_id TEXT NOT NULL,
          heard_ms INTEGER NOT NULL CHECK (heard_ms >= 0),
          window_started_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (listener, track_id)
        ) STRICT;
      `);
      // An install that already synced: its wallet came from the listener whose counts are cached,
      // on the server then in use, for the current device.
      const hasAccount = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_account'")
        .get();
      if (hasAccount) {
        db.exec(`
          UPDATE wallet SET
            server_key = (SELECT server_key FROM sync_account WHERE id = 1),
            user_id = (SELECT cursor_user_id FROM sync_account WHERE id = 1),
            device_id = (SELECT id FROM devices WHERE retired_at IS NULL)
          WHERE id = 1 AND balance_as_of IS NOT NULL
        `);
      }
    },
  },
  {
    // One spelling of the free reasons with the server (src/shared/pricing.ts): a short track's
    // free play is 'short', no longer 'short_track'. The CHECK lives in the table, so the table
    // is rebuilt from its own stored definition (columns added since stay) with the new list,
    // the old rows copied with the new spelling, and its indexes (other domains' too) put back.
    id: 'stream2own-004-free-reason-spelling',
    up(db) {
      rebuildWithFreeReasonSpelling(db);
    },
  },
  {
    // Whose play each history row is (server and account, as the wallet row binds them), so that
    // another listener signing in on this install does not see the previous one's History. Rows
    // from before are the account the wallet row was last bound to (none: plays made signed out).
    id: 'stream2own-005-play-listener',
    up(db) {
      db.exec(`
        ALTER TABLE coop_plays ADD COLUMN listener_key TEXT;
        UPDATE coop_plays SET listener_key = (
          SELECT server_key || char(10) || user_id FROM wallet
          WHERE id = 1 AND server_key IS NOT NULL AND user_id IS NOT NULL);
        CREATE INDEX coop_plays_listener ON coop_plays (listener_key, id);
      `);
    },
  },
];

const OLD_FREE_REASON_CHECK = "free_reason IN ('owned', 'own_track', 'free_track', 'short_track')";
const NEW_FREE_REASON_CHECK = "free_reason IN ('short', 'owned', 'own_track', 'free_track')";

function rebuildWithFreeReasonSpelling(db: Db): void {
  const table = db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'coop_plays'")
    .get() as { sql: string } | undefined;
  assert(table, 'stream2own-004: coop_plays exists (stream2own-001 creates it)');
  const checks = table.sql.split(OLD_FREE_REASON_CHECK).length - 1;
  assert(checks === 1, `stream2own-004: the old free-reason CHECK is in coop_plays once (found ${checks})`);
  const indexes = db
    .prepare(
      "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'coop_plays' AND sql IS NOT NULL",
    )
    .all() as { sql: string }[];
  const columns = (db.prepare('PRAGMA table_info(coop_plays)').all() as { name: string }[]).map(
    (c) => c.name,
  );
  const list = columns.map((c) => `"${c}"`).join(', ');
  const select = columns
    .map((c) =>
      c === 'free_reason'
        ? "CASE free_reason WHEN 'short_track' THEN 'short' ELSE free_reason END"
        : `"${c}"`,
    )
    .join(', ');
  const rows = (db.prepare('SELECT COUNT(*) AS n FROM coop_plays').get() as { n: number }).n;
  const createNew = table.sql
    .replace(OLD_FREE_REASON_CHECK, NEW_FREE_REASON_CHECK)
    .replace(/^CREATE TABLE\s+"?coop_plays"?/, 'CREATE TABLE coop_plays_respelled');
  assert(
    createNew.startsWith('CREATE TABLE coop_plays_respelled'),
    'stream2own-004: the coop_plays definition is renamed',
  );
  db.exec(createNew);
  db.exec(`INSERT INTO coop_plays_respelled (${list}) SELECT ${select} FROM coop_plays`);
  db.exec('DROP TABLE coop_plays');
  db.exec('ALTER TABLE coop_plays_respelled RENAME TO coop_plays');
  for (const index of indexes) db.exec(index.sql);
  const copied = (db.prepare('SELECT COUNT(*) AS n FROM coop_plays').get() as { n: number }).n;
  assert(copied === rows, `stream2own-004: every play is copied (${copied} of ${rows})`);
}
