import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Db } from '../../../src/main/services/db/database';
import { allMigrations } from '../../../src/main/services/db/migrations';
import { WalletStore } from '../../../src/main/services/wallet/wallet-store';
import { decideCharge, noProgress } from '../../../src/main/services/wallet/charge-rules';
import { freeReasonFor } from '../../../src/shared/pricing';

const RESPELL = 'stream2own-004-free-reason-spelling';

/** A cache as an app before the respelling left it: every migration but the new one, all of them applied. */
function oldCache(): Db {
  const db = openDatabase(':memory:');
  migrate(
    db,
    allMigrations.filter((m) => m.id !== RESPELL),
  );
  db.prepare("INSERT INTO devices (id, public_key, created_at) VALUES ('dev-1', 'pk-1', 0)").run();
  const receipt = db.prepare(
    "INSERT INTO outbox (id, device_id, seq, canonical_json, signature, created_at) VALUES (?, 'dev-1', ?, '{}', 'sig', 0)",
  );
  const play = db.prepare(
    `INSERT INTO coop_plays (session_id, track_id, outcome, free_reason, paid_play_number, price_thousandths,
       charge_thousandths, artist_ten_thousandths, coop_ten_thousandths, heard_ms, session_started_at, counted_at, receipt_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 45000, 0, ?, ?)`,
  );
  receipt.run('r-1', 1);
  play.run('s-1', 'intro', 'free', 'short_track', null, 0, 0, 0, 0, 1, 'r-1');
  receipt.run('r-2', 2);
  play.run('s-2', 'gift', 'free', 'free_track', null, 0, 0, 0, 0, 2, 'r-2');
  receipt.run('r-3', 3);
  play.run('s-3', 'song', 'charged', null, 1, 2, 2, 14, 6, 3, 'r-3');
  return db;
}

function indexesOnPlays(db: Db): string[] {
  return (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'coop_plays' AND sql IS NOT NULL ORDER BY name",
      )
      .all() as { name: string }[]
  ).map((r) => r.name);
}

describe('free reasons: one spelling with the server', () => {
  it("reads an old 'short_track' play back as 'short', keeps every other play and the indexes of every domain", () => {
    const db = oldCache();
    const indexesBefore = indexesOnPlays(db);
    expect(indexesBefore).toContain('dj_coop_plays_last');

    expect(migrate(db, allMigrations)).toEqual([RESPELL]);

    const history = new WalletStore(db).history({ limit: 10 }).entries;
    expect(
      history.map((e) => [e.trackId, e.outcome, e.freeReason, e.chargeThousandths, e.receiptId]),
    ).toEqual([
      ['song', 'charged', null, 2, 'r-3'],
      ['gift', 'free', 'free_track', 0, 'r-2'],
      ['intro', 'free', 'short', 0, 'r-1'],
    ]);
    expect(indexesOnPlays(db)).toEqual(indexesBefore);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it("refuses the old spelling from now on, as the server's database does", () => {
    const db = oldCache();
    migrate(db, allMigrations);
    db.prepare(
      "INSERT INTO outbox (id, device_id, seq, canonical_json, signature, created_at) VALUES ('r-9', 'dev-1', 9, '{}', 'sig', 0)",
    ).run();
    const insert = (reason: string) =>
      db
        .prepare(
          `INSERT INTO coop_plays (session_id, track_id, outcome, free_reason, price_thousandths, charge_thousandths,
             artist_ten_thousandths, coop_ten_thousandths, heard_ms, session_started_at, counted_at, receipt_id)
           VALUES ('s-9', 'x', 'free', ?, 0, 0, 0, 0, 30000, 0, 9, 'r-9')`,
        )
        .run(reason);
    expect(() => insert('short_track')).toThrow(/CHECK constraint failed/);
    expect(() => insert('short')).not.toThrow();
  });

  it("a fresh cache takes the server's spelling too", () => {
    const db = openDatabase(':memory:');
    migrate(db, allMigrations);
    const sql = (
      db.prepare("SELECT sql FROM sqlite_master WHERE name = 'coop_plays'").get() as { sql: string }
    ).sql;
    expect(sql).toContain("free_reason IN ('short', 'owned', 'own_track', 'free_track')");
    expect(sql).not.toContain('short_track');
  });

  it('records the reason the server will give: the shared precedence, short first', () => {
    for (const durationMs of [30_000, 200_000]) {
      for (const status of ['paid', 'free'] as const) {
        for (const isOwn of [false, true]) {
          for (const owned of [false, true]) {
            const decision = decideCharge({ durationMs, status, isOwn }, { ...noProgress, owned }, 0);
            const server = freeReasonFor({
              durationMs,
              freeTrack: status === 'free',
              ownTrack: isOwn,
              owned,
            });
            expect(decision.freeReason, JSON.stringify({ durationMs, status, isOwn, owned })).toBe(server);
          }
        }
      }
    }
    // Before: the app said 'owned' / 'own_track' / 'free_track' for a short track the server calls 'short'.
    expect(decideCharge({ durationMs: 30_000, status: 'free', isOwn: true }, noProgress, 0).freeReason).toBe(
      'short',
    );
  });
});
