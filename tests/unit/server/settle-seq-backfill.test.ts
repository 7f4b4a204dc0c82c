import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrationsFor } from '../../../src/server/db/migrations';

/**
 * Migration 0006 numbers the plays and purchases already settled, per
 * listener, in the order the earnings report used before (settled_at, plays
 * before purchases at the same instant, counted_at, seq, id), sets each
 * wallet's counter to its last number, and leaves plays and transfers
 * append-only.
 */
describe('migration 0006_settlement_seq', () => {
  it('backfills per-listener settlement numbers in the old order and keeps the tables append-only', async () => {
    const raw = new BetterSqlite3(':memory:');
    raw.pragma('foreign_keys = OFF'); // the rows below stand alone: no devices, tracks or artists needed
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) });
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrationsFor('sqlite') } });
    expect((await migrator.migrateTo('0005_play_indexes')).error).toBeUndefined();

    for (const u of ['u1', 'u2', 'u3']) {
      await db
        .insertInto('users')
        .values({ id: u, email: `${u}@x`, password_hash: 'x', role: 'listener', created_at: 0 })
        .execute();
      await db.insertInto('wallets').values({ user_id: u, balance: 0, reserved: 0, version: 0 }).execute();
    }
    const play = (id: string, user: string, settled: number, counted: number, seq: number) => ({
      receipt_id: id,
      user_id: user,
      device_id: `d-${user}`,
      seq,
      track_id: 't',
      artist_id: 'a',
      counted_at: counted,
      heard_ms: 45_000,
      content_hash: 'h',
      outcome: 'free',
      free_reason: 'owned',
      play_index: null,
      price: 0,
      settled_at: settled,
    });
    await db
      .insertInto('plays')
      .values([
        play('p-late', 'u1', 2_000, 500, 3), // settled last
        play('p-b', 'u1', 1_000, 900, 2), // same instant as p-a, counted later
        play('p-a', 'u1', 1_000, 800, 1),
        play('q-a', 'u2', 1_500, 100, 1),
      ])
      .execute();
    const transfer = (id: string, kind: string, user: string, at: number, receipt: string | null = null) => ({
      id,
      kind,
      user_id: user,
      receipt_id: receipt,
      request_id: null,
      note: null,
      created_at: at,
    });
    await db
      .insertInto('transfers')
      .values([
        transfer('buy-1', 'buy_track', 'u1', 1_000), // same instant as p-a and p-b: after them
        transfer('grant-1', 'grant', 'u1', 0),
        transfer('play:p-b', 'play', 'u1', 1_000, 'p-b'),
      ])
      .execute();

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const plays = await db
      .selectFrom('plays')
      .select(['receipt_id', 'settle_seq'])
      .orderBy('receipt_id')
      .execute();
    expect(Object.fromEntries(plays.map((p) => [p.receipt_id, p.settle_seq]))).toEqual({
      'p-a': 1,
      'p-b': 2,
      'p-late': 4,
      'q-a': 1,
    });
    const transfers = await db.selectFrom('transfers').select(['id', 'settle_seq']).orderBy('id').execute();
    expect(Object.fromEntries(transfers.map((t) => [t.id, t.settle_seq]))).toEqual({
      'buy-1': 3,
      'grant-1': null,
      'play:p-b': 2,
    });
    const wallets = await db
      .selectFrom('wallets')
      .select(['user_id', 'settle_seq'])
      .orderBy('user_id')
      .execute();
    expect(wallets).toEqual([
      { user_id: 'u1', settle_seq: 4 },
      { user_id: 'u2', settle_seq: 1 },
      { user_id: 'u3', settle_seq: 0 },
    ]);
    // Append-only again.
    await expect(sql`UPDATE plays SET settle_seq = 9`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`UPDATE transfers SET settle_seq = 9`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM plays`.execute(db)).rejects.toThrow(/append-only/);
    await db.destroy();
  });
});
