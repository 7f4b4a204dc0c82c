import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/services/db/database';
import { syncMigrations } from '../../../src/main/services/sync/migrations';
import { SyncStore } from '../../../src/main/services/sync/sync-store';
import { Downloads } from '../../../src/main/services/sync/downloads';
import type { ReceiptsAnswer } from '../../../src/main/services/sync/api-client';
import { aTrack, stream2ownHarness } from '../../integration/stream2own/harness';

function setup() {
  const h = stream2ownHarness();
  migrate(h.db, syncMigrations);
  const { wallet, catalog, outbox } = h.domain;
  const store = new SyncStore(h.db, { wallet, catalog, outbox }, () => h.domain.identity().deviceId);
  h.domain.applyServerState({ balanceThousandths: 1000, asOfMs: 0, allowanceThousandths: 1000 });
  return { ...h, store };
}

function settled(
  index: number,
  id: string,
  priceThousandths: number,
  extra: Partial<Record<string, unknown>> = {},
) {
  return {
    index,
    id,
    status: 'settled' as const,
    duplicate: false,
    outcome: 'paid' as const,
    freeReason: null,
    playIndex: 1,
    priceThousandths,
    owned: false,
    ...extra,
  };
}

describe("applying the server's answers", () => {
  it('an answer that does not match the batch changes nothing; a good one is stored once, with its correction once', () => {
    const { domain, store, listen, db } = setup();
    domain.catalog.upsert([aTrack('t1')]);
    listen('t1');
    const batch = store.unansweredBatch(10, 0);
    expect(batch).toHaveLength(1);
    const id = batch[0]!.receipt.id;
    const wallet = { balanceThousandths: 996, reservedThousandths: 996, version: 2 };
    const wrong: ReceiptsAnswer = {
      results: [settled(0, 'someone-else', 4)],
      wallet,
      allowanceThousandths: 996,
    };
    expect(() => store.applyPushAnswer(batch, wrong, 10)).toThrow(/does not match/);
    const missing: ReceiptsAnswer = { results: [], wallet, allowanceThousandths: 996 };
    expect(() => store.applyPushAnswer(batch, missing, 10)).toThrow(/0 results for 1/);
    expect(store.pendingReceipts()).toBe(1);
    expect(domain.wallet.balances()).toMatchObject({ balanceThousandths: 1000, pendingThousandths: 2 });

    // Another device played it first: the server says this was the 2nd paid play, 4 thousandths.
    const good: ReceiptsAnswer = {
      results: [settled(0, id, 4, { playIndex: 2 })],
      wallet,
      allowanceThousandths: 996,
    };
    const first = store.applyPushAnswer(batch, good, 20);
    expect(first).toMatchObject({ answered: 1, keptForRetry: 0 });
    expect(first.corrections).toEqual([
      expect.objectContaining({
        kind: 'price',
        estimatedThousandths: 2,
        actualThousandths: 4,
        receiptId: id,
      }),
    ]);
    expect(store.pendingReceipts()).toBe(0);
    expect(domain.wallet.balances()).toMatchObject({
      balanceThousandths: 996,
      pendingThousandths: 0,
      spendableThousandths: 996,
    });
    expect(domain.wallet.progress('t1').paidPlays).toBe(2);
    // The same answer again (a resend's duplicate): nothing more.
    const again = store.applyPushAnswer(
      batch,
      { ...good, results: [{ ...good.results[0]!, duplicate: true } as never] },
      30,
    );
    expect(again).toMatchObject({ answered: 0, corrections: [] });
    expect((db.prepare('SELECT COUNT(*) AS n FROM sync_corrections').get() as { n: number }).n).toBe(1);
  });

  it('never voids a charge on a verdict that is not final: time window, seq reuse and unknown reasons stay and are retried with backoff', () => {
    const { domain, store, listen } = setup();
    const ids = ['t1', 't2', 't3', 't4', 't5', 't6'];
    domain.catalog.upsert(ids.map((id) => aTrack(id)));
    for (const id of ids) listen(id);
    const batch = store.unansweredBatch(10, 0);
    expect(batch.map((r) => r.receipt.trackId)).toEqual(ids);
    const wallet = { balanceThousandths: 1000, reservedThousandths: 1000, version: 2 };
    const rejected = (index: number, reason: string) => ({
      index,
      id: batch[index]!.receipt.id,
      status: 'rejected' as const,
      reason,
      message: reason,
    });
    const outcome = store.applyPushAnswer(
      batch,
      {
        results: [
          rejected(0, 'counted_in_future'),
          rejected(1, 'too_old'),
          rejected(2, 'seq_reused'),
          rejected(3, 'a_reason_from_a_newer_server'),
          rejected(4, 'unknown_track'),
          rejected(5, 'device_revoked'),
        ],
        wallet,
        allowanceThousandths: 1000,
      },
      10,
    );
    expect(outcome).toMatchObject({ answered: 2, keptForRetry: 4 });
    expect(outcome.corrections.map((c) => [c.kind, c.trackId])).toEqual([
      ['rejected', 't5'],
      ['rejected', 't6'],
    ]);
    // The four kept charges are still pending (spendable stays lowered): nothing became free.
    expect(domain.wallet.balances()).toMatchObject({
      pendingThousandths: 4 * 2,
      spendableThousandths: 1000 - 8,
    });
    expect(store.pendingReceipts()).toBe(4);
    // Backoff: not in the next batch until a minute later, then two minutes after the next "not now".
    expect(store.unansweredBatch(10, 10 + 59_999)).toEqual([]);
    const retry = store.unansweredBatch(10, 10 + 60_000);
    expect(retry.map((r) => r.receipt.trackId)).toEqual(['t1', 't2', 't3', 't4']);
    store.applyPushAnswer(
      retry.slice(0, 1),
      { results: [{ ...rejected(0, 'counted_in_future') }], wallet, allowanceThousandths: 1000 },
      100_000,
    );
    expect(store.unansweredBatch(10, 100_000 + 119_999).map((r) => r.receipt.trackId)).toEqual([
      't2',
      't3',
      't4',
    ]);
    expect(store.unansweredBatch(10, 100_000 + 120_000).map((r) => r.receipt.trackId)).toEqual([
      't1',
      't2',
      't3',
      't4',
    ]);
  });
});

describe("one transaction over sync's and the wallet's tables", () => {
  it('a push answer the wallet refuses leaves the outbox, the charge and the corrections as they were', () => {
    const { domain, store, listen } = setup();
    domain.catalog.upsert([aTrack('t1')]);
    listen('t1');
    const batch = store.unansweredBatch(10, 0);
    const bad: ReceiptsAnswer = {
      results: [settled(0, batch[0]!.receipt.id, 4)],
      // Refused by the wallet after the outbox row was answered and the correction stored.
      wallet: { balanceThousandths: -1, reservedThousandths: 0, version: 2 },
      allowanceThousandths: 0,
    };
    expect(() => store.applyPushAnswer(batch, bad, 10)).toThrow(RangeError);
    expect(store.pendingReceipts()).toBe(1);
    expect(store.unansweredBatch(10, 0)).toEqual(batch);
    expect(store.corrections(10)).toEqual([]);
    expect(domain.wallet.balances()).toMatchObject({ balanceThousandths: 1000, pendingThousandths: 2 });
  });

  it('a pull page the catalog refuses leaves the wallet, the counts and the cursor as they were', () => {
    const { domain, store } = setup();
    const track = {
      id: 't1',
      title: 'One',
      trackNumber: 1,
      durationMs: 1000,
      status: 'paid' as const,
      artistId: 'a1',
      artistName: 'Artist',
      releaseId: 'r1',
      releaseTitle: 'Release',
      hasAudio: true,
      published: true,
      version: 1,
    };
    const page = (cursor: string, durationMs: number) => ({
      cursor,
      wallet: { balanceThousandths: 500, reservedThousandths: 0, version: 3, availableThousandths: 500 },
      allowanceThousandths: 500,
      deviceRevoked: false,
      playCounts: [
        { trackId: 't1', paidPlays: 3, totalPlays: 3, paidThousandths: 6, owned: false, ownedAt: null },
      ],
      // A duration of 0 breaks coop_tracks' CHECK: the catalog's upsert throws after the wallet was written.
      catalog: { tracks: [{ ...track, durationMs }], complete: true },
    });
    expect(() => store.applyPull(page('c1', 0), 10, () => null)).toThrow(/CHECK/);
    expect(domain.wallet.balances()).toMatchObject({ balanceThousandths: 1000, allowanceThousandths: 1000 });
    expect(store.account().cursor).toBeNull();
    expect(store.trackMeta('t1')).toBeNull();
    expect(domain.wallet.progress('t1').paidPlays).toBe(0);
    store.applyPull(page('c2', 1000), 20, () => null);
    expect(domain.wallet.balances()).toMatchObject({ balanceThousandths: 500 });
    expect(domain.wallet.progress('t1').paidPlays).toBe(3);
    expect(store.trackMeta('t1')).toMatchObject({ releaseId: 'r1' });
  });
});

describe('downloads', () => {
  it('evicts least recently played first to fit the limit, never a pinned one or one playing', () => {
    const { db, dataDir, clock, domain } = setup();
    const playing = new Set<string>();
    const downloads = new Downloads(db, dataDir, clock, domain.catalog, () => playing);
    const add = (id: string, size: number) => {
      const file = join(dataDir, `${id}.mp3`);
      writeFileSync(file, Buffer.alloc(size));
      domain.catalog.upsert([aTrack(id, { localFile: file })]);
      db.prepare(
        'INSERT INTO coop_downloads (track_id, file, size_bytes, pinned, downloaded_at, last_used_at) VALUES (?, ?, ?, 0, ?, ?)',
      ).run(id, file, size, clock.nowMs(), clock.nowMs());
      clock.advance(1000);
      return file;
    };
    const files = ['a', 'b', 'c', 'd'].map((id) => add(id, 100));
    downloads.pin('a', true);
    downloads.touch('b'); // b is now the most recently played
    playing.add('c');
    const status = downloads.setLimit(150);
    // a pinned, c playing, b most recent: d goes first, then b.
    expect(status.entries.map((e) => e.trackId).sort()).toEqual(['a', 'c']);
    expect(existsSync(files[3]!)).toBe(false);
    expect(domain.catalog.get('d')?.localFile).toBeNull();
    expect(status).toMatchObject({ usedBytes: 200, pinnedBytes: 100, overLimit: false });
    // Each entry is labelled from the catalog; a download of a track the catalog lost shows its id.
    expect(status.entries.find((e) => e.trackId === 'a')).toMatchObject({
      title: 'Title a',
      artist: 'Artist a',
    });
    db.prepare("DELETE FROM coop_tracks WHERE id = 'c'").run();
    expect(downloads.entry('c')).toMatchObject({ title: 'c', artist: '', owned: false, pinned: false });
    playing.clear();
    expect(downloads.setLimit(0).entries.map((e) => e.trackId)).toEqual(['a']);
    expect(downloads.status().overLimit).toBe(true);
    expect(downloads.remove('a')).toBe(true);
    expect(existsSync(files[0]!)).toBe(false);
  });
});
