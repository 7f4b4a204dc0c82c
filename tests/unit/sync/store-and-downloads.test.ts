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
  const store = new SyncStore(h.db, h.domain.wallet, h.domain.catalog);
  h.domain.applyServerState({ balanceThousandths: 1000, asOfMs: 0, allowanceThousandths: 1000 });
  return { ...h, store };
}

function settled(index: number, id: string, priceThousandths: number, extra: Partial<Record<string, unknown>> = {}) {
  return { index, id, status: 'settled' as const, duplicate: false, outcome: 'paid' as const, freeReason: null, playIndex: 1, priceThousandths, owned: false, ...extra };
}

describe('applying the server\'s answers', () => {
  it('an answer that does not match the batch changes nothing; a good one is stored once, with its correction once', () => {
    const { domain, store, listen, db } = setup();
    domain.catalog.upsert([aTrack('t1')]);
    listen('t1');
    const batch = store.unansweredBatch(10, 0);
    expect(batch).toHaveLength(1);
    const id = batch[0]!.receipt.id;
    const wallet = { balanceThousandths: 996, reservedThousandths: 996, version: 2 };
    const wrong: ReceiptsAnswer = { results: [settled(0, 'someone-else', 4)], wallet, allowanceThousandths: 996 };
    expect(() => store.applyPushAnswer(batch, wrong, 10)).toThrow(/does not match/);
    const missing: ReceiptsAnswer = { results: [], wallet, allowanceThousandths: 996 };
    expect(() => store.applyPushAnswer(batch, missing, 10)).toThrow(/0 results for 1/);
    expect(store.pendingReceipts()).toBe(1);
    expect(domain.wallet.balances()).toMatchObject({ balanceThousandths: 1000, pendingThousandths: 2 });

    // Another device played it first: the server says this was the 2nd paid play, 4 thousandths.
    const good: ReceiptsAnswer = { results: [settled(0, id, 4, { playIndex: 2 })], wallet, allowanceThousandths: 996 };
    const first = store.applyPushAnswer(batch, good, 20);
    expect(first).toMatchObject({ answered: 1, keptForRetry: 0 });
    expect(first.corrections).toEqual([expect.objectContaining({ kind: 'price', estimatedThousandths: 2, actualThousandths: 4, receiptId: id })]);
    expect(store.pendingReceipts()).toBe(0);
    expect(domain.wallet.balances()).toMatchObject({ balanceThousandths: 996, pendingThousandths: 0, spendableThousandths: 996 });
    expect(domain.wallet.progress('t1').paidPlays).toBe(2);
    // The same answer again (a resend's duplicate): nothing more.
    const again = store.applyPushAnswer(batch, { ...good, results: [{ ...good.results[0]!, duplicate: true } as never] }, 30);
    expect(again).toMatchObject({ answered: 0, corrections: [] });
    expect((db.prepare('SELECT COUNT(*) AS n FROM sync_corrections').get() as { n: number }).n).toBe(1);
  });

  it('keeps receipts the server may accept later, and takes final rejections out with a correction', () => {
    const { domain, store, listen } = setup();
    domain.catalog.upsert([aTrack('t1'), aTrack('t2')]);
    listen('t1');
    listen('t2');
    const batch = store.unansweredBatch(10, 0);
    const wallet = { balanceThousandths: 1000, reservedThousandths: 1000, version: 2 };
    const outcome = store.applyPushAnswer(
      batch,
      {
        results: [
          { index: 0, id: batch[0]!.receipt.id, status: 'rejected', reason: 'unknown_track', message: 'no such track' },
          { index: 1, id: batch[1]!.receipt.id, status: 'rejected', reason: 'device_revoked', message: 'revoked' },
        ],
        wallet,
        allowanceThousandths: 1000,
      },
      10,
    );
    expect(outcome).toMatchObject({ answered: 1, keptForRetry: 1 });
    expect(outcome.corrections).toEqual([expect.objectContaining({ kind: 'rejected', reason: 'device_revoked', trackId: 't2' })]);
    expect(store.unansweredBatch(10, 0).map((r) => r.receipt.trackId)).toEqual(['t1']);
    expect(domain.wallet.balances().pendingThousandths).toBe(2);
  });
});

describe('downloads', () => {
  it('evicts least recently played first to fit the limit, never a pinned one or one playing', () => {
    const { db, dataDir, clock, domain } = setup();
    const playing = new Set<string>();
    const downloads = new Downloads(db, dataDir, clock, () => playing);
    const add = (id: string, size: number) => {
      const file = join(dataDir, `${id}.mp3`);
      writeFileSync(file, Buffer.alloc(size));
      domain.catalog.upsert([aTrack(id, { localFile: file })]);
      db.prepare('INSERT INTO coop_downloads (track_id, file, size_bytes, pinned, downloaded_at, last_used_at) VALUES (?, ?, ?, 0, ?, ?)').run(id, file, size, clock.nowMs(), clock.nowMs());
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
    playing.clear();
    expect(downloads.setLimit(0).entries.map((e) => e.trackId)).toEqual(['a']);
    expect(downloads.status().overLimit).toBe(true);
    expect(downloads.remove('a')).toBe(true);
    expect(existsSync(files[0]!)).toBe(false);
  });
});
