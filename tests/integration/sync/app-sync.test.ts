import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../server/harness';
import { hourAgoClock, useServerWithRelease } from './server-with-release';
import { buy, expectNothingPending, listen, serverProcess, type TestApp } from './support';

/**
 * The app services against a real sync server process on SQLite: account,
 * voucher, catalog pull, stream-on-play (downloaded in the background), a play counted by the guard,
 * settlement, and the same with the server stopped in the middle.
 */
describe('the app syncing with a real server process', () => {
  const env = useServerWithRelease({ seconds: [60, 60, 20], artist: 'Sync Artist', title: 'Sync Tests' });
  let codes: string[];

  beforeAll(async () => {
    codes = await env.vouchers(4);
  });

  async function signedUpApp(): Promise<TestApp & { email: string; api: Api }> {
    const t = await env.listener({ clock: hourAgoClock() });
    expect(t.account).toMatchObject({
      signedIn: true,
      email: t.email,
      deviceRegistered: true,
      bundledServer: false,
    });
    return Object.assign(t, { api: await env.listenerApi(t) });
  }

  it('signs up, redeems a voucher, plays a co-op track, and the server wallet and artist earnings reflect it after sync', async () => {
    const t = await signedUpApp();
    const redeemed = await t.call('wallet.redeemVoucher', { code: codes[0] });
    expect(redeemed.creditedThousandths).toBe(5000);
    // The sync after the voucher brought the catalog and this device's allowance.
    expect(redeemed.wallet).toMatchObject({
      balanceThousandths: 5000,
      allowanceThousandths: 2044,
      spendableThousandths: 2044,
    });
    const catalog = await t.call('coop.tracks', { query: 'song' });
    expect(catalog.total).toBe(3);
    const details = await t.call('coop.trackDetails', { trackId: env.trackIds[0] });
    expect(details).toMatchObject({ hasAudio: true, download: null });

    // Not downloaded: player.open streams it (downloading it in the background), the guard counts 45 s.
    const play = await listen(t, env.trackIds[0]!);
    expect(play.counted).toBe(true);
    const afterPlay = await t.call('wallet.get');
    expect(afterPlay).toMatchObject({ pendingThousandths: 2, spendableThousandths: 2042, unsentReceipts: 1 });
    await t.app.sync.downloads.idle();
    expect((await t.call('downloads.status')).entries.map((e: { trackId: string }) => e.trackId)).toEqual([
      env.trackIds[0],
    ]);

    const status = await t.call('sync.now');
    expect(status.state).toBe('online');
    expectNothingPending(status);
    expect(status.balanceThousandths).toBe(4998);
    expect((await t.api.get('/v1/wallet')).body.balanceThousandths).toBe(4998);
    const earnings = await env.admin.get(`/v1/artists/${env.artistId}/earnings?groupBy=track`);
    const row = earnings.body.rows.find((r: { key: string }) => r.key === env.trackIds[0]);
    expect(row).toMatchObject({
      paidPlays: 1,
      spentThousandths: 2,
      artistShareTenThousandths: 14,
      coopShareTenThousandths: 6,
    });
    const history = await t.call('wallet.history', {});
    expect(history.entries[0]).toMatchObject({ outcome: 'charged', chargeThousandths: 2, settled: true });
    const ledger = await t.call('wallet.ledger', {});
    expect(
      ledger.entries.reduce((sum: number, e: { amountThousandths: number }) => sum + e.amountThousandths, 0),
    ).toBe(4998);
    const membership = await t.call('wallet.membership', {});
    expect(membership.listener).toMatchObject({ member: false, spentThousandths: 2 });

    // Buying the rest makes it owned; the next play is free.
    const bought = await buy(t, 'track', env.trackIds[0]!);
    expect(bought.totalThousandths).toBe(1020);
    const track = (await t.call('coop.tracks', {})).tracks.find(
      (x: { id: string }) => x.id === env.trackIds[0],
    );
    expect(track.stream2own).toMatchObject({ owned: true, nextPriceThousandths: 0 });
    expect(track.downloaded).toBe(true);
    // Short track (20 s) heard to its end: counted free; its receipt settles as free, no correction.
    const short = await listen(t, env.trackIds[2]!, 20_500, { ended: true });
    expect(short.counted).toBe(true);
    const [shortPlay] = (await t.call('wallet.history', { limit: 1 })).entries;
    expect(shortPlay).toMatchObject({
      trackId: env.trackIds[2],
      outcome: 'free',
      freeReason: 'short',
      chargeThousandths: 0,
    });
    const finalStatus = await t.call('sync.now');
    expectNothingPending(finalStatus);
    expect(finalStatus.unseenCorrections).toBe(0);
    const shortOnServer = (await t.api.get('/v1/plays')).body.tracks.find(
      (p: { trackId: string }) => p.trackId === env.trackIds[2],
    );
    expect(shortOnServer).toMatchObject({ totalPlays: 1, paidPlays: 0 });

    // The guard's 1 s slack, app guard → real server: heard to the end less 999 ms counts, and the server settles it.
    const shortTrack = (await t.call('coop.tracks', {})).tracks.find(
      (x: { id: string }) => x.id === env.trackIds[2],
    );
    expect(shortTrack.durationMs).toBeLessThan(45_000);
    const slack = await listen(t, env.trackIds[2]!, shortTrack.durationMs - 999, { ended: true });
    expect(slack.counted).toBe(true);
    const slackStatus = await t.call('sync.now');
    expectNothingPending(slackStatus);
    expect(slackStatus.unseenCorrections).toBe(0);
    const slackOnServer = (await t.api.get('/v1/plays')).body.tracks.find(
      (p: { trackId: string }) => p.trackId === env.trackIds[2],
    );
    expect(slackOnServer).toMatchObject({ totalPlays: 2, paidPlays: 0 });
    expect((await t.api.get('/v1/wallet')).body.balanceThousandths).toBe(5000 - 2 - 1020);
  });

  it('offline: the server stops, plays still count against the allowance, and after the restart one sync settles each once', async () => {
    const t = await signedUpApp();
    await t.call('wallet.redeemVoucher', { code: codes[1] });
    await t.call('coop.download', { trackId: env.trackIds[1], pin: true });
    await env.server.stop();
    try {
      for (let i = 0; i < 3; i++) expect((await listen(t, env.trackIds[1]!)).counted).toBe(true);
      const offline = await t.call('sync.now');
      expect(offline.state).toBe('offline');
      expect(offline).toMatchObject({
        pendingReceipts: 3,
        pendingThousandths: 2 + 4 + 8,
        spendableThousandths: 2044 - 14,
      });
      // Reads that need the server say so plainly.
      const ledger = await t.app.dispatch('wallet.ledger', {});
      expect(ledger).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      // A track that is not downloaded cannot be streamed offline.
      const streamed = await t.app.dispatch('player.open', { source: 'coop', trackId: env.trackIds[0] });
      expect(streamed).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    } finally {
      env.server = await serverProcess(env.store, env.server.port);
    }
    const online = await t.call('sync.now');
    expect(online.state).toBe('online');
    expectNothingPending(online);
    expect(online.balanceThousandths).toBe(5000 - 14);
    // A second sync sends nothing again and changes nothing.
    const again = await t.call('sync.now');
    expect(again.balanceThousandths).toBe(5000 - 14);
    const plays = (await t.api.get('/v1/plays')).body.tracks;
    expect(plays).toEqual([
      expect.objectContaining({ trackId: env.trackIds[1], paidPlays: 3, paidThousandths: 14 }),
    ]);
    expect((await t.api.get('/v1/wallet')).body.balanceThousandths).toBe(5000 - 14);
    const track = (await t.call('coop.tracks', {})).tracks.find(
      (x: { id: string }) => x.id === env.trackIds[1],
    );
    expect(track.stream2own).toMatchObject({ paidPlays: 3, nextPriceThousandths: 16 });
    // The pinned download survives a limit of zero; it is still playable.
    const downloads = await t.call('downloads.setLimit', { limitBytes: 0 });
    expect(downloads.entries).toHaveLength(1);
    expect(downloads.overLimit).toBe(true);
    expect(existsSync(t.app.sync.downloads.fileOf(env.trackIds[1]!)!)).toBe(true);
    expect((await listen(t, env.trackIds[1]!)).counted).toBe(true);
  });

  it('signs out and in again: the session token is kept in a 0600 file and the device is not registered twice', async () => {
    const t = await signedUpApp();
    expect(statSync(join(t.dataDir, 'sync-session.json')).mode & 0o777).toBe(0o600);
    const out = await t.call('account.signOut');
    expect(existsSync(join(t.dataDir, 'sync-session.json'))).toBe(false);
    expect(out.signedIn).toBe(false);
    expect((await t.call('sync.status')).state).toBe('signed_out');
    const back = await t.call('account.signIn', { email: t.email, password: 'listener password' });
    expect(back).toMatchObject({ signedIn: true, deviceRegistered: true });
    expect((await t.api.get('/v1/devices')).body.devices).toHaveLength(1);
    const wrong = await t.app.dispatch('account.signIn', { email: t.email, password: 'not the password' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
