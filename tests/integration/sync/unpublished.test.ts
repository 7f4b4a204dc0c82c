import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../server/harness';
import { hourAgoClock, useServerWithRelease } from './server-with-release';
import { buy, listen, type TestApp } from './support';

/**
 * An artist unpublishes a release on the real server (SQLite): after the next
 * sync its tracks leave the catalog of a listener who does not own them (no
 * play, no buying, refused before the server is asked), an owner keeps them
 * in the Collection and keeps playing them (downloaded or streamed), history
 * and progress stay; publishing again brings them back.
 */
describe('an unpublished release in the app', () => {
  const env = useServerWithRelease({ seconds: [60, 60], artist: 'Gone Artist', title: 'Gone Tests' });
  let codes: string[];

  beforeAll(async () => {
    codes = await env.vouchers(2);
  });

  async function listenerApp(code: string): Promise<TestApp & { api: Api }> {
    const t = await env.listener({ clock: hourAgoClock(), code });
    return Object.assign(t, { api: await env.listenerApi(t) });
  }

  const ids = (answer: { tracks: { id: string }[] }) => answer.tracks.map((t) => t.id).sort();

  it('hides it from non-owners after sync, keeps it for an owner, and brings it back on republish', async () => {
    const [owned, other] = env.trackIds as [string, string];
    const owner = await listenerApp(codes[0]!);
    const stranger = await listenerApp(codes[1]!);

    // The owner plays the first track (streamed and downloaded), then buys the rest of it.
    expect((await listen(owner, owned)).counted).toBe(true);
    await owner.app.sync.downloads.idle();
    await buy(owner, 'track', owned);
    expect(ids(await owner.call('wallet.collection'))).toEqual([owned]);
    // The stranger plays the second one once: history and progress to keep.
    expect((await listen(stranger, other)).counted).toBe(true);
    expect((await stranger.call('sync.now')).state).toBe('online');
    expect((await stranger.call('coop.tracks', {})).total).toBe(2);
    // A purchase confirmed before the unpublish is refused after it.
    const quoted = await stranger.call('wallet.quote', { kind: 'track', trackId: other });

    expect((await env.admin.post(`/v1/publishing/releases/${env.releaseId}/unpublish`, {})).body.status).toBe(
      'unpublished',
    );
    expect((await owner.call('sync.now')).state).toBe('online');
    expect((await stranger.call('sync.now')).state).toBe('online');

    // The stranger: gone from browsing and search, not playable, not for sale (refused locally).
    expect(await stranger.call('coop.tracks', {})).toEqual({ tracks: [], total: 0 });
    expect((await stranger.call('coop.tracks', { query: 'song' })).total).toBe(0);
    const open = await stranger.app.dispatch('player.open', { source: 'coop', trackId: other });
    expect(open).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: expect.stringMatching(/unpublished/) },
    });
    const balance = (await stranger.api.get('/v1/wallet')).body.balanceThousandths;
    const buyRest = await stranger.app.dispatch('wallet.buyRest', {
      trackId: other,
      quoteToken: quoted.quoteToken,
    });
    expect(buyRest).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/unpublished/) },
    });
    const quoteRelease = await stranger.app.dispatch('wallet.quote', {
      kind: 'release',
      releaseId: env.releaseId,
    });
    expect(quoteRelease).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/unpublished/) },
    });
    expect((await stranger.api.get('/v1/wallet')).body.balanceThousandths).toBe(balance);
    // History and progress stay.
    const history = await stranger.call('wallet.history', {});
    expect(history.entries).toEqual([
      expect.objectContaining({ trackId: other, outcome: 'charged', settled: true }),
    ]);
    expect(stranger.app.stream2own.catalog.get(other)).toMatchObject({
      published: false,
      progress: { paidPlays: 1 },
    });

    // The owner: still in the Collection and the catalog (the other track is not), still playing from the download.
    expect(ids(await owner.call('wallet.collection'))).toEqual([owned]);
    expect(ids(await owner.call('coop.tracks', {}))).toEqual([owned]);
    expect(existsSync(owner.app.stream2own.catalog.get(owned)!.localFile!)).toBe(true);
    expect((await listen(owner, owned)).counted).toBe(true);
    // …and streamed once the download is gone (the server still serves owners).
    await owner.call('coop.removeDownload', { trackId: owned });
    expect((await listen(owner, owned)).counted).toBe(true);
    await owner.app.sync.downloads.idle();
    const ownerStatus = await owner.call('sync.now');
    expect(ownerStatus).toMatchObject({ state: 'online', pendingReceipts: 0 });
    expect(
      (await owner.call('wallet.history', {})).entries.filter(
        (e: { trackId: string }) => e.trackId === owned,
      ),
    ).toHaveLength(3);

    // Published again: back for everybody.
    expect((await env.admin.post(`/v1/publishing/releases/${env.releaseId}/publish`, {})).body.status).toBe(
      'published',
    );
    expect((await stranger.call('sync.now')).state).toBe('online');
    expect(ids(await stranger.call('coop.tracks', {}))).toEqual([...env.trackIds].sort());
    expect((await listen(stranger, other)).counted).toBe(true);
    await stranger.app.sync.downloads.idle();
    expect((await stranger.call('sync.now')).pendingReceipts).toBe(0);
    expect(stranger.app.stream2own.catalog.get(other)).toMatchObject({
      published: true,
      progress: { paidPlays: 2 },
    });
  });
});
