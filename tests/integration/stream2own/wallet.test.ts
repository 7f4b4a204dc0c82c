import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifySignedPlayReceipt } from '../../../src/node/receipt-signing';
import { DEVICE_KEY_FILE } from '../../../src/main/services/wallet/device-identity';
import { createTrackMediaResolver } from '../../../src/main/services/media/track-media';
import { aTrack, stream2ownHarness } from './harness';

const opened: { db: { close(): void } }[] = [];
function harness(...args: Parameters<typeof stream2ownHarness>) {
  const h = stream2ownHarness(...args);
  opened.push(h);
  return h;
}
afterEach(() => {
  for (const h of opened.splice(0)) h.db.close();
});

describe('stream to own: charges', () => {
  it('charges the nine paid plays by the table, then the track is owned and free', () => {
    const h = harness();
    h.domain.catalog.upsert([aTrack('a')]);
    h.domain.applyServerState({ balanceThousandths: 5_000, asOfMs: 0 });
    const charges: number[] = [];
    for (let i = 0; i < 11; i++) {
      h.listen('a');
      const counted = h.events.filter((e) => e.name === 'player.playCounted').at(-1)!.payload as {
        chargeThousandths: number;
        outcome: string;
      };
      charges.push(counted.chargeThousandths);
    }
    expect(charges).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 0, 0]);
    const wallet = h.domain.summary();
    expect(wallet).toMatchObject({
      balanceThousandths: 5_000,
      pendingThousandths: 1022,
      spendableThousandths: 3_978,
    });
    const collection = h.domain.handlers['wallet.collection']({}) as {
      tracks: { id: string; stream2own: { owned: boolean; freeReason: string } }[];
    };
    expect(collection.tracks.map((t) => t.id)).toEqual(['a']);
    expect(collection.tracks[0]!.stream2own).toMatchObject({
      owned: true,
      freeReason: 'owned',
      nextPriceThousandths: 0,
    });
    const history = h.domain.handlers['wallet.history']({ limit: 100 }) as {
      entries: { outcome: string; freeReason: string | null; paidPlayNumber: number | null }[];
    };
    expect(history.entries).toHaveLength(11);
    expect(history.entries[0]).toMatchObject({ outcome: 'free', freeReason: 'owned', paidPlayNumber: null });
    expect(history.entries.at(-1)).toMatchObject({ outcome: 'charged', paidPlayNumber: 1 });
    // every counted play, paid or free, has a receipt
    expect(h.domain.outbox.countUnanswered()).toBe(11);
  });

  it('states the next price and "buy the rest" before a play', () => {
    const h = harness();
    h.domain.catalog.upsert([aTrack('a')]);
    h.domain.applyServerState({ balanceThousandths: 1_000, asOfMs: 0 });
    h.listen('a');
    h.listen('a');
    const { tracks } = h.domain.handlers['coop.tracks']({ limit: 10, offset: 0 }) as {
      tracks: { stream2own: object }[];
    };
    expect(tracks[0]!.stream2own).toEqual({
      paidPlays: 2,
      owned: false,
      freeReason: null,
      nextPriceThousandths: 8,
      remainingToOwnThousandths: 1016,
      previewOnly: false,
      countedPlays: 2,
    });
  });

  it('makes a play the balance cannot cover a preview: stops at 45 s, says so, charges nothing, sends no receipt', () => {
    const h = harness();
    h.domain.catalog.upsert([aTrack('a')]);
    h.domain.applyServerState({ balanceThousandths: 1, asOfMs: 0 });
    const opened = h.domain.handlers['player.open']({ source: 'coop', trackId: 'a' }) as {
      stream2own: { previewOnly: boolean };
    };
    expect(opened.stream2own.previewOnly).toBe(true);
    h.domain.guard.close((opened as unknown as { sessionId: string }).sessionId);
    const { last, sessionId } = h.listen('a', 60_000);
    expect(last).toMatchObject({ counted: true, stop: true, heardMs: 45_000 });
    const preview = h.events.find((e) => e.name === 'player.previewEnded');
    expect(preview?.payload).toEqual({
      sessionId,
      trackId: 'a',
      priceThousandths: 2,
      spendableThousandths: 1,
      remainingToOwnThousandths: 1022,
    });
    expect(h.events.find((e) => e.name === 'player.playCounted')?.payload).toMatchObject({
      outcome: 'preview',
      chargeThousandths: 0,
      receiptId: null,
    });
    expect(h.domain.outbox.countUnanswered()).toBe(0);
    expect(h.domain.summary().spendableThousandths).toBe(1);
    expect(h.domain.wallet.progress('a')).toMatchObject({ paidPlays: 0, previews: 1 });
    // the audio stops being served for that session
    expect(h.domain.coopFile('a', sessionId)).toBeNull();
    const report = h.domain.handlers['player.report']({
      sessionId,
      trackId: 'a',
      seq: 999,
      event: 'playing',
      positionMs: 45_000,
    });
    expect(report).toMatchObject({ accepted: false, reason: 'preview_ended', stop: true });
  });

  it('does not charge free, own or short tracks, but counts them with a receipt', () => {
    const h = harness();
    h.domain.catalog.upsert([
      aTrack('free', { status: 'free' }),
      aTrack('mine', { isOwn: true }),
      aTrack('short', { durationMs: 30_000 }),
    ]);
    h.domain.applyServerState({ balanceThousandths: 0, asOfMs: 0 });
    h.listen('free');
    h.listen('mine');
    const s = h.listen('short', 29_000);
    h.clock.advance(1_000);
    h.domain.handlers['player.report']({
      sessionId: s.sessionId,
      trackId: 'short',
      seq: 1_000,
      event: 'ended',
      positionMs: 30_000,
    });
    const counted = h.events
      .filter((e) => e.name === 'player.playCounted')
      .map((e) => e.payload as { freeReason: string; chargeThousandths: number; receiptId: string | null });
    expect(counted.map((c) => c.freeReason)).toEqual(['free_track', 'own_track', 'short']);
    expect(counted.every((c) => c.chargeThousandths === 0 && c.receiptId !== null)).toBe(true);
    expect(h.events.some((e) => e.name === 'player.previewEnded')).toBe(false);
  });

  it('counts a local file in the library only: no charge, no receipt', () => {
    const recorded: number[] = [];
    const h = harness({
      local: {
        getPlayableFile: (id) => (id === 7 ? { path: '/x.mp3', durationMs: 100_000 } : null),
        recordLocalPlay: (id) => recorded.push(id),
      },
    });
    const { opened } = h.listen('7', 45_000, 'local');
    expect(opened).toMatchObject({
      mediaPath: 'track/local/7',
      mediaUrl: 'media://track/local/7',
      stream2own: null,
    });
    expect(recorded).toEqual([7]);
    expect(h.events.find((e) => e.name === 'player.playCounted')?.payload).toMatchObject({
      outcome: 'local',
      source: 'local',
    });
    expect(h.domain.outbox.countUnanswered()).toBe(0);
  });

  it('rejects invalid reports at the contract, before the guard', async () => {
    const h = harness();
    const result = await h.dispatch('player.report', {
      sessionId: 'x',
      trackId: 'a',
      seq: 0,
      event: 'skipped',
      positionMs: -1,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('answers not_found and unavailable for tracks it cannot play', async () => {
    const h = harness();
    h.domain.catalog.upsert([aTrack('a', { localFile: null })]);
    expect(await h.dispatch('player.open', { source: 'coop', trackId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await h.dispatch('player.open', { source: 'coop', trackId: 'a' })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
    expect(await h.dispatch('player.open', { source: 'local', trackId: '1' })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
  });

  it('settles: the server balance replaces pending charges it has settled', () => {
    const h = harness();
    h.domain.catalog.upsert([aTrack('a')]);
    h.domain.applyServerState({ balanceThousandths: 100, asOfMs: 0 });
    h.listen('a');
    h.listen('a');
    expect(h.domain.summary()).toMatchObject({ pendingThousandths: 6, spendableThousandths: 94 });
    const ids = h.domain.outbox.unanswered().map((s) => s.receipt.id);
    h.domain.applyServerState({ balanceThousandths: 94, asOfMs: 1, settledReceiptIds: ids });
    expect(h.domain.summary()).toMatchObject({
      balanceThousandths: 94,
      pendingThousandths: 0,
      spendableThousandths: 94,
    });
  });
});

describe('stream to own: receipts and the device key', () => {
  it('signs every receipt so it verifies with the device public key, in seq order', () => {
    const h = harness();
    h.domain.catalog.upsert([aTrack('a')]);
    h.domain.applyServerState({ balanceThousandths: 100, asOfMs: 0 });
    h.listen('a');
    h.listen('a');
    const { deviceId, publicKey } = h.domain.identity();
    const receipts = h.domain.outbox.unanswered();
    expect(receipts.map((r) => r.receipt.seq)).toEqual([1, 2]);
    for (const signed of receipts) {
      expect(signed.receipt).toMatchObject({
        v: 1,
        deviceId,
        trackId: 'a',
        heardMs: 45_000,
        durationMs: 200_000,
      });
      expect(verifySignedPlayReceipt(signed, publicKey)).toMatchObject({ ok: true });
      expect(h.domain.outbox.devicePublicKey(deviceId)).toBe(publicKey);
    }
    expect(receipts.map((r) => r.receipt.estimatedPriceThousandths)).toEqual([2, 4]);
  });

  it('keeps the key in a 0600 file and the same identity across restarts', () => {
    const h = harness();
    const file = join(h.dataDir, DEVICE_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const first = h.domain.identity();
    h.db.close();
    opened.pop();
    const again = harness({ dataDir: h.dataDir });
    expect(again.domain.identity()).toEqual(first);
    expect(readFileSync(file, 'utf8')).not.toContain('PRIVATE');
  });

  it('wraps the key with a KeyProtector when one is given', () => {
    const rot13 = {
      kind: 'test-rot',
      protect: (s: string) => [...s].reverse().join(''),
      unprotect: (s: string) => [...s].reverse().join(''),
    };
    const h = harness({ keyProtector: rot13 });
    const stored = JSON.parse(readFileSync(join(h.dataDir, DEVICE_KEY_FILE), 'utf8')) as {
      protection: string;
    };
    expect(stored.protection).toBe('test-rot');
    const first = h.domain.identity();
    h.db.close();
    opened.pop();
    expect(harness({ dataDir: h.dataDir, keyProtector: rot13 }).domain.identity()).toEqual(first);
  });

  it.each([
    ['deleted', (file: string) => rmSync(file)],
    ['corrupt', (file: string) => writeFileSync(file, '{"v":1,"deviceId":')],
    [
      'swapped for another key',
      (file: string) =>
        writeFileSync(
          file,
          readFileSync(file, 'utf8').replace(
            /"secret":"[^"]+"/,
            '"secret":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"',
          ),
        ),
    ],
  ])('a %s key gets a new device identity; unsent receipts stay and still verify', (_what, damage) => {
    const h = harness();
    h.domain.catalog.upsert([aTrack('a')]);
    h.domain.applyServerState({ balanceThousandths: 100, asOfMs: 0 });
    h.listen('a');
    const old = h.domain.identity();
    const oldReceipts = h.domain.outbox.unanswered();
    h.db.close();
    opened.pop();
    damage(join(h.dataDir, DEVICE_KEY_FILE));

    const again = harness({ dataDir: h.dataDir });
    const fresh = again.domain.identity();
    expect(fresh.deviceId).not.toBe(old.deviceId);
    expect(existsSync(join(h.dataDir, DEVICE_KEY_FILE))).toBe(true);
    expect(again.domain.outbox.unanswered()).toEqual(oldReceipts);
    for (const r of oldReceipts)
      expect(verifySignedPlayReceipt(r, again.domain.outbox.devicePublicKey(old.deviceId)!).ok).toBe(true);
    again.listen('a');
    const newest = again.domain.outbox.unanswered().at(-1)!;
    expect(newest.receipt).toMatchObject({ deviceId: fresh.deviceId, seq: 1, estimatedPriceThousandths: 4 });
    expect(verifySignedPlayReceipt(newest, fresh.publicKey).ok).toBe(true);
  });

  it('does not reuse a key whose database row is gone (seq numbers could repeat)', () => {
    const h = harness();
    const old = h.domain.identity();
    h.db.close();
    opened.pop();
    rmSync(join(h.dataDir, 'library.sqlite'));
    expect(harness({ dataDir: h.dataDir }).domain.identity().deviceId).not.toBe(old.deviceId);
  });
});

describe('track media', () => {
  it('serves co-op audio only to the live session of that track, and local files by library id', async () => {
    const h = harness();
    h.domain.catalog.upsert([aTrack('a'), aTrack('b')]);
    const resolve = createTrackMediaResolver({
      localFile: (id) => (id === 3 ? '/music/x.flac' : null),
      coopFile: (id, session) => h.domain.coopFile(id, session),
    });
    const { sessionId } = h.domain.handlers['player.open']({ source: 'coop', trackId: 'a' }) as {
      sessionId: string;
    };
    expect(await resolve(['coop', 'a', sessionId])).toMatchObject({ contentType: 'audio/mpeg' });
    expect(await resolve(['coop', 'b', sessionId])).toBeNull();
    expect(await resolve(['coop', 'a'])).toBeNull();
    expect(await resolve(['local', '3'])).toEqual({ file: '/music/x.flac', contentType: 'audio/flac' });
    expect(await resolve(['local', '4'])).toBeNull();
    h.domain.handlers['player.open']({ source: 'coop', trackId: 'b' });
    expect(await resolve(['coop', 'a', sessionId])).toBeNull();
  });
});
