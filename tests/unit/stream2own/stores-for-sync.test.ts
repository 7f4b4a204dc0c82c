import { describe, expect, it } from 'vitest';
import { aTrack, stream2ownHarness } from '../../integration/stream2own/harness';

/** The wallet domain's store methods the sync domain calls (src/main/services/sync/wallet-deps.ts). */
function setup() {
  const h = stream2ownHarness();
  h.domain.applyServerState({ balanceThousandths: 1000, asOfMs: 0, allowanceThousandths: 1000 });
  return h;
}

/** Receipt ids of the outbox, oldest first. */
function receiptIds(h: ReturnType<typeof setup>): string[] {
  return h.domain.outbox.unanswered().map((r) => r.receipt.id);
}

/** Many ids that are no track: a list longer than one statement's part (500). */
const manyOthers = Array.from({ length: 1_200 }, (_, i) => `other-${i}`);

describe('the outbox, as the sync engine answers it', () => {
  it('sends receipts oldest first, holds a deferred one back until its time, and stores only the first answer', () => {
    const h = setup();
    h.domain.catalog.upsert([aTrack('t1'), aTrack('t2')]);
    h.listen('t1');
    h.listen('t2');
    const [first, second] = receiptIds(h);
    const { outbox } = h.domain;
    expect(outbox.due(10, 0).map((r) => r.receipt.id)).toEqual([first, second]);
    expect(outbox.due(1, 0).map((r) => r.receipt.id)).toEqual([first]);

    expect(outbox.countRetry(first!, 'too_old')).toBe(1);
    expect(outbox.countRetry(first!, 'too_old')).toBe(2);
    outbox.deferUntil(first!, 5_000);
    expect(outbox.due(10, 4_999).map((r) => r.receipt.id)).toEqual([second]);
    expect(outbox.due(10, 5_000).map((r) => r.receipt.id)).toEqual([first, second]);

    expect(outbox.markAnswered(second!, { status: 'settled' }, 10)).toBe(true);
    expect(outbox.markAnswered(second!, { status: 'rejected' }, 20)).toBe(false);
    expect(outbox.countRetry(second!, 'too_old')).toBeNull();
    expect(outbox.due(10, 5_000).map((r) => r.receipt.id)).toEqual([first]);
    expect(outbox.devicesWithUnanswered()).toEqual([h.domain.identity().deviceId]);
    expect(outbox.markAnswered(first!, { status: 'settled' }, 30)).toBe(true);
    expect(outbox.devicesWithUnanswered()).toEqual([]);
    expect(outbox.countUnanswered()).toBe(0);
  });
});

describe('the wallet, as the sync engine recomputes progress', () => {
  it("counts this device's unsettled plays per track, charged ones apart, and finds a receipt's play", () => {
    const h = setup();
    h.domain.catalog.upsert([aTrack('t1'), aTrack('t2')]);
    h.listen('t1');
    h.listen('t1');
    h.listen('t2');
    const [, , t2Receipt] = receiptIds(h);
    const { wallet } = h.domain;
    expect(wallet.playOfReceipt(t2Receipt!)).toEqual({ trackId: 't2', charge: 2, title: 'Title t2' });
    expect(wallet.playOfReceipt('no-such-receipt')).toBeNull();

    // The server settled t2's play: it is in the server's counts now, no longer this device's own.
    wallet.applyServerState({ balanceThousandths: 998, asOfMs: 10, settledReceiptIds: [t2Receipt!] });
    const counts = wallet.unsettledPlayCounts([...manyOthers, 't2', 't1']);
    expect([...counts]).toEqual([['t1', { paid: 2, counted: 2 }]]);
    expect(wallet.unsettledPlayCounts([])).toEqual(new Map());
    expect(wallet.trackIdsWithProgress().sort()).toEqual(['t1', 't2']);
  });
});

describe('the catalog, as the downloads and corrections use it', () => {
  it('points a track at its download and forgets it only while it still points at that file', () => {
    const h = setup();
    const { catalog } = h.domain;
    catalog.upsert([aTrack('t1', { localFile: null })]);
    catalog.setLocalFile('t1', '/downloads/t1.mp3');
    expect(catalog.get('t1')?.localFile).toBe('/downloads/t1.mp3');
    catalog.clearLocalFile('t1', '/downloads/old-t1.flac');
    expect(catalog.get('t1')?.localFile).toBe('/downloads/t1.mp3');
    catalog.clearLocalFile('t1', '/downloads/t1.mp3');
    expect(catalog.get('t1')?.localFile).toBeNull();
  });

  it('labels every id asked: uncached ones without title, owned from progress even without a catalog row', () => {
    const h = setup();
    const { catalog, wallet } = h.domain;
    catalog.upsert([aTrack('t1'), aTrack('t2')]);
    const owned = { paidPlays: 9, owned: true, countedPlays: 9, previews: 0 };
    wallet.saveProgress('t2', owned, 10);
    wallet.saveProgress('gone', owned, 10);
    const labels = catalog.labels([...manyOthers, 't1', 't2', 'gone']);
    expect(labels.size).toBe(manyOthers.length + 3);
    expect(labels.get('t1')).toEqual({ title: 'Title t1', artist: 'Artist t1', owned: false });
    expect(labels.get('t2')).toEqual({ title: 'Title t2', artist: 'Artist t2', owned: true });
    expect(labels.get('gone')).toEqual({ title: null, artist: null, owned: true });
    expect(labels.get('other-0')).toEqual({ title: null, artist: null, owned: false });
  });

  it('tells whether any of many tracks is unpublished; an uncached one counts as published', () => {
    const h = setup();
    const { catalog } = h.domain;
    catalog.upsert([aTrack('t1'), aTrack('t2', { published: false })]);
    expect(catalog.anyUnpublished([...manyOthers, 't1'])).toBe(false);
    expect(catalog.anyUnpublished([...manyOthers, 't1', 't2'])).toBe(true);
    expect(catalog.anyUnpublished([])).toBe(false);
  });
});
