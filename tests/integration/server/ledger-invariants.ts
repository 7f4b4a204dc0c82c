import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import type { StoreTarget } from './harness';

/** A second, read-only connection to a test store: plain SQL, big integers as numbers. */
export async function openStoreReader(
  store: StoreTarget,
): Promise<{ query: (text: string) => Promise<any[]>; done: () => Promise<void> }> {
  if (store.databaseUrl) {
    const client = new pg.Client({ connectionString: store.databaseUrl });
    await client.connect();
    const query = async (text: string) =>
      (await client.query(text)).rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v]),
        ),
      );
    return { query, done: () => client.end() };
  }
  const db = new BetterSqlite3(join(store.dataDir, 'resonate-server.sqlite'), { readonly: true });
  return {
    query: async (text: string) => db.prepare(text).all(),
    done: async () => {
      db.close();
    },
  };
}

/**
 * The server's money invariants, checked with plain SQL on a store (a
 * second, read-only connection) after a run: by the settlement simulation
 * and by the HTTP fuzz test. An empty list: all hold.
 */
export async function checkInvariants(store: StoreTarget): Promise<string[]> {
  const { query, done } = await openStoreReader(store);
  const problems: string[] = [];
  const expectNone = async (what: string, text: string) => {
    const rows = await query(text);
    if (rows.length) problems.push(`${what}: ${JSON.stringify(rows.slice(0, 3))}`);
  };
  try {
    await expectNone(
      'a receipt settled twice',
      `SELECT receipt_id FROM transfers WHERE kind = 'play' GROUP BY receipt_id HAVING COUNT(*) > 1`,
    );
    await expectNone(
      'a transfer whose entries do not sum to zero',
      `SELECT transfer_id, SUM(amount) AS s FROM ledger_entries GROUP BY transfer_id HAVING SUM(amount) <> 0`,
    );
    await expectNone(
      'a wallet below zero or over-reserved',
      `SELECT user_id FROM wallets WHERE balance < 0 OR reserved < 0 OR reserved > balance`,
    );
    await expectNone(
      'a wallet that disagrees with its ledger',
      `SELECT w.user_id FROM wallets w LEFT JOIN (SELECT account_id, SUM(amount) AS s FROM ledger_entries WHERE account_type = 'listener' GROUP BY account_id) e ON e.account_id = w.user_id WHERE w.balance * 10 <> COALESCE(e.s, 0)`,
    );
    await expectNone(
      'reservations that are not the sum of device allowances',
      `SELECT w.user_id FROM wallets w LEFT JOIN (SELECT user_id, SUM(allowance) AS s FROM devices GROUP BY user_id) d ON d.user_id = w.user_id WHERE w.reserved <> COALESCE(d.s, 0)`,
    );
    await expectNone(
      'a paid play off the price table',
      `SELECT receipt_id FROM plays WHERE outcome = 'paid' AND price <> (CASE play_index WHEN 1 THEN 2 WHEN 2 THEN 4 WHEN 3 THEN 8 WHEN 4 THEN 16 WHEN 5 THEN 32 WHEN 6 THEN 64 WHEN 7 THEN 128 WHEN 8 THEN 256 WHEN 9 THEN 512 END)`,
    );
    await expectNone(
      'paid play indexes not 1..k without repeats per listener and track',
      `SELECT user_id, track_id FROM plays WHERE outcome = 'paid' GROUP BY user_id, track_id HAVING COUNT(*) <> MAX(play_index) OR COUNT(DISTINCT play_index) <> COUNT(*)`,
    );
    await expectNone(
      'prices not in the server order (a later settlement with a lower index)',
      `SELECT a.receipt_id FROM plays a JOIN plays b ON a.user_id = b.user_id AND a.track_id = b.track_id AND a.outcome = 'paid' AND b.outcome = 'paid' AND a.play_index < b.play_index WHERE a.settled_at > b.settled_at`,
    );
    await expectNone(
      'ownership not after exactly 9 paid plays or buying the rest (1022 paid in all)',
      `SELECT user_id, track_id FROM listener_tracks WHERE (owned_at IS NOT NULL) <> (paid_amount = 1022) OR (paid_plays = 9 AND owned_at IS NULL)`,
    );
    await expectNone(
      'play counts that disagree with the plays (and purchases)',
      `SELECT lt.user_id FROM listener_tracks lt LEFT JOIN (SELECT user_id, track_id, COUNT(*) AS n, SUM(CASE WHEN outcome = 'paid' THEN 1 ELSE 0 END) AS paid, SUM(price) AS amount FROM plays GROUP BY user_id, track_id) p ON p.user_id = lt.user_id AND p.track_id = lt.track_id
       LEFT JOIN (SELECT e.account_id AS user_id, e.track_id, -SUM(e.amount) / 10 AS amount FROM ledger_entries e JOIN transfers t ON t.id = e.transfer_id WHERE t.kind IN ('buy_track', 'buy_release') AND e.account_type = 'listener' GROUP BY e.account_id, e.track_id) b ON b.user_id = lt.user_id AND b.track_id = lt.track_id
       WHERE lt.total_plays <> COALESCE(p.n, 0) OR lt.paid_plays <> COALESCE(p.paid, 0) OR lt.paid_amount <> COALESCE(p.amount, 0) + COALESCE(b.amount, 0)`,
    );
    await expectNone(
      'a play charged after the track was bought (by settlement number)',
      `SELECT p.receipt_id FROM plays p JOIN ledger_entries e ON e.track_id = p.track_id AND e.account_type = 'listener' AND e.account_id = p.user_id JOIN transfers t ON t.id = e.transfer_id AND t.kind IN ('buy_track', 'buy_release') WHERE p.outcome = 'paid' AND p.settle_seq > t.settle_seq`,
    );
    await expectNone(
      'an unpaid or free play with ledger entries',
      `SELECT p.receipt_id FROM plays p JOIN transfers t ON t.receipt_id = p.receipt_id WHERE p.outcome <> 'paid'`,
    );
    await expectNone(
      'a paid play without its transfer',
      `SELECT p.receipt_id FROM plays p LEFT JOIN transfers t ON t.receipt_id = p.receipt_id WHERE p.outcome = 'paid' AND t.id IS NULL`,
    );
    await expectNone(
      'a play after ownership that was charged',
      `SELECT p.receipt_id FROM plays p WHERE p.outcome = 'paid' AND p.play_index > 9`,
    );
    const [paid] = await query(
      `SELECT COALESCE(-SUM(amount), 0) AS s FROM ledger_entries e JOIN transfers t ON t.id = e.transfer_id WHERE t.kind IN ('play', 'buy_track', 'buy_release') AND e.account_type = 'listener'`,
    );
    const [earned] = await query(
      `SELECT COALESCE(SUM(amount), 0) AS s FROM ledger_entries WHERE account_type IN ('artist', 'coop')`,
    );
    if (Number(paid.s) !== Number(earned.s))
      problems.push(`listeners paid ${paid.s} but artists and co-op earned ${earned.s}`);
    const [split] = await query(
      `SELECT COALESCE(SUM(CASE WHEN account_type = 'artist' THEN amount ELSE 0 END), 0) AS a, COALESCE(SUM(CASE WHEN account_type = 'coop' THEN amount ELSE 0 END), 0) AS c FROM ledger_entries`,
    );
    if (Number(split.a) * 3 !== Number(split.c) * 7)
      problems.push(`split is not 70/30: ${split.a} / ${split.c}`);
  } finally {
    await done();
  }
  return problems;
}
