import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { FakeClock } from '../../../src/main/services/core/clock';
import { silentLogger } from '../../../src/main/services/core/logger';
import { startWebHost, type WebHost } from '../../../src/web-host/web-host';
import { tempDir, type Api } from '../server/harness';
import { signUpListener, useServerWithRelease } from './server-with-release';
import { buy, listen, ok, type makeApp, type TestApp } from './support';

/**
 * One end-to-end test per free-play hole of issue 11 (app side): the app
 * services against a real server process. Each of these failed on the code
 * before the fix (see docs/sync.md and docs/listening-guard.md for the rules).
 */
const DAY_MS = 24 * 3_600_000;

describe('no free plays: clock, account switch, preview pieces, media cap, purchases', () => {
  /** [0] 120 s, [1] 60 s, [2] 20 s (short: free). */
  const env = useServerWithRelease(
    { seconds: [120, 60, 20], artist: 'Holes Artist', title: 'Holes' },
    60_000,
  );

  async function voucher(valueThousandths = 5000): Promise<string> {
    return (await env.vouchers(1, valueThousandths))[0]!;
  }

  async function app(
    clock = new FakeClock(1_000, Date.now()),
    confirmPurchase?: NonNullable<Parameters<typeof makeApp>[1]>['confirmPurchase'],
  ): Promise<TestApp> {
    return env.app({ clock, confirmPurchase });
  }

  async function signUp(
    t: TestApp,
    credits: number | null | 'no sync',
  ): Promise<{ email: string; api: Api }> {
    const { email } = await signUpListener(t);
    if (typeof credits === 'number') await t.call('wallet.redeemVoucher', { code: await voucher(credits) });
    else if (credits === null) await t.call('sync.now');
    return { email, api: await env.listenerApi({ email }) };
  }

  async function artistPaidPlays(trackId: string): Promise<number> {
    const earnings = await env.admin.get(`/v1/artists/${env.artistId}/earnings?groupBy=track`);
    return earnings.body.rows.find((r: { key: string }) => r.key === trackId)?.paidPlays ?? 0;
  }

  /** Nine paid plays (synced after each, as the app does 2 s after a counted play), then the checks. */
  async function nineSyncedPlays(t: TestApp, trackId: string) {
    const { api } = await signUp(t, 5000);
    await t.call('coop.download', { trackId, pin: true });
    const paidBefore = await artistPaidPlays(trackId);
    for (let i = 0; i < 9; i++) {
      expect((await listen(t, trackId)).counted).toBe(true);
      await t.call('sync.now');
    }
    const status = await t.call('sync.status');
    expect(status).toMatchObject({ pendingReceipts: 0, pendingThousandths: 0, unseenCorrections: 0 });
    const plays = (await api.get('/v1/plays')).body.tracks;
    expect(plays).toEqual([
      expect.objectContaining({ trackId, paidPlays: 9, paidThousandths: 1022, owned: true }),
    ]);
    expect((await api.get('/v1/wallet')).body.balanceThousandths).toBe(5000 - 1022);
    expect((await artistPaidPlays(trackId)) - paidBefore).toBe(9);
    // Stamped with the server's time, not the device's: within a few minutes of the real clock.
    const history = (await t.call('wallet.history', { limit: 20 })).entries as {
      countedAtMs: number;
      outcome: string;
    }[];
    expect(history.filter((e) => e.outcome === 'charged')).toHaveLength(9);
    for (const e of history) expect(Math.abs(e.countedAtMs - Date.now())).toBeLessThan(15 * 60_000);
  }

  it('clock 1 h fast: the nine plays are paid on the server and the artist earns', async () => {
    await nineSyncedPlays(await app(new FakeClock(1_000, Date.now() + 3_600_000)), env.trackIds[1]!);
  }, 120_000);

  it('clock 100 days slow: the nine plays are paid on the server and the artist earns', async () => {
    await nineSyncedPlays(await app(new FakeClock(1_000, Date.now() - 100 * DAY_MS)), env.trackIds[1]!);
  }, 120_000);

  it('account switch: listener B on the same install cannot spend A’s allowance (a preview, nothing unpaid)', async () => {
    const t = await app();
    const a = await signUp(t, 5000);
    await t.call('coop.download', { trackId: env.trackIds[0], pin: true });
    expect((await t.call('wallet.get')).spendableThousandths).toBe(2044);
    await t.call('account.signOut');
    // B signs in on the same install and plays before any sync (offline, or the engine not run yet).
    const b = await signUp(t, 'no sync');
    expect(await t.call('wallet.get')).toMatchObject({ spendableThousandths: 0, balanceThousandths: 0 });
    await listen(t, env.trackIds[0]!);
    const [last] = (await t.call('wallet.history', { limit: 1 })).entries;
    expect(last).toMatchObject({ outcome: 'preview', chargeThousandths: 0 });
    await t.call('sync.now');
    expect((await t.call('sync.status')).unseenCorrections).toBe(0);
    expect((await b.api.get('/v1/plays')).body.tracks).toEqual([]);
    expect((await a.api.get('/v1/wallet')).body.balanceThousandths).toBe(5000);
  }, 60_000);

  /** Plays one session from `fromMs` for up to `ms` of audio (honest reports every 250 ms), then closes it. */
  async function piece(t: TestApp, trackId: string, fromMs: number, ms: number) {
    const { sessionId } = await t.call('player.open', { source: 'coop', trackId });
    let seq = 0;
    let last = await t.call('player.report', {
      sessionId,
      trackId,
      seq: ++seq,
      event: 'playing',
      positionMs: fromMs,
    });
    let counted = last.counted as boolean;
    let played = 0;
    while (played < ms && !last.stop) {
      t.clock.advance(250);
      played += 250;
      last = await t.call('player.report', {
        sessionId,
        trackId,
        seq: ++seq,
        event: 'timeupdate',
        positionMs: fromMs + played,
      });
      counted ||= last.counted;
    }
    await t.call('player.close', { sessionId });
    return { counted, stop: last.stop as boolean, playedMs: played };
  }

  it('44-second pieces: the second piece counts the play (funded wallet: charged after about 1 s of it)', async () => {
    const t = await app();
    await signUp(t, 5000);
    await t.call('coop.download', { trackId: env.trackIds[0], pin: true });
    const first = await piece(t, env.trackIds[0]!, 0, 44_000);
    expect(first.counted).toBe(false);
    const second = await piece(t, env.trackIds[0]!, 44_000, 44_000);
    expect(second.counted).toBe(true);
    const [last] = (await t.call('wallet.history', { limit: 1 })).entries;
    expect(last).toMatchObject({ outcome: 'charged', chargeThousandths: 2 });
    // A play that counted resets the preview: the next session starts from 0 heard.
    const third = await piece(t, env.trackIds[0]!, 88_000, 10_000);
    expect(third.counted).toBe(false);
  }, 60_000);

  it('44-second pieces with an empty wallet: the second piece is stopped as the preview ends', async () => {
    const t = await app();
    await signUp(t, null);
    await t.call('coop.download', { trackId: env.trackIds[0], pin: true }).catch(() => undefined);
    const first = await piece(t, env.trackIds[0]!, 0, 44_000);
    expect(first).toMatchObject({ counted: false, stop: false });
    const second = await piece(t, env.trackIds[0]!, 44_000, 44_000);
    expect(second.stop).toBe(true);
    expect(second.playedMs).toBeLessThanOrEqual(2_000);
    const [last] = (await t.call('wallet.history', { limit: 1 })).entries;
    expect(last).toMatchObject({ outcome: 'preview' });
    // And a third piece within the window gets nothing more.
    const third = await piece(t, env.trackIds[0]!, 88_000, 5_000);
    expect(third.stop).toBe(true);
    expect(third.playedMs).toBeLessThanOrEqual(250);
  }, 60_000);

  it('buying a release or the rest of a track needs a quote from the main process: without one, or reused, or expired, nothing is bought', async () => {
    const t = await app();
    const { api } = await signUp(t, 5000);
    const without = await t.app.dispatch('wallet.buyRelease', { releaseId: env.releaseId });
    expect(without.ok).toBe(false);
    const forged = await t.app.dispatch('wallet.buyRest', {
      trackId: env.trackIds[0],
      quoteToken: 'x'.repeat(43),
    });
    expect(forged.ok).toBe(false);
    expect((await api.get('/v1/wallet')).body.balanceThousandths).toBe(5000);

    const stale = await t.call('wallet.quote', { kind: 'track', trackId: env.trackIds[0] });
    expect(stale).toMatchObject({ kind: 'track', itemId: env.trackIds[0], priceThousandths: 1022 });
    t.clock.advance(stale.expiresAtMs - t.clock.nowMs() + 1);
    const expired = await t.app.dispatch('wallet.buyRest', {
      trackId: env.trackIds[0],
      quoteToken: stale.quoteToken,
    });
    expect(expired).toMatchObject({ ok: false });
    // A quote is for its item only.
    const other = await t.call('wallet.quote', { kind: 'track', trackId: env.trackIds[1] });
    expect(
      (await t.app.dispatch('wallet.buyRest', { trackId: env.trackIds[0], quoteToken: other.quoteToken })).ok,
    ).toBe(false);
    expect((await api.get('/v1/wallet')).body.balanceThousandths).toBe(5000);

    const quote = await t.call('wallet.quote', { kind: 'release', releaseId: env.releaseId });
    expect(quote.priceThousandths).toBe(2 * 1022);
    const bought = await t.call('wallet.buyRelease', {
      releaseId: env.releaseId,
      quoteToken: quote.quoteToken,
    });
    expect(bought.totalThousandths).toBe(2 * 1022);
    const again = await t.app.dispatch('wallet.buyRelease', {
      releaseId: env.releaseId,
      quoteToken: quote.quoteToken,
    });
    expect(again.ok).toBe(false);
    expect((await api.get('/v1/wallet')).body.balanceThousandths).toBe(5000 - 2 * 1022);
  }, 60_000);

  it('account switch: each listener sees only their own History on a shared install, and gets it back on signing in again', async () => {
    const t = await app();
    const a = await signUp(t, 5000);
    await t.call('coop.download', { trackId: env.trackIds[1], pin: true });
    expect((await listen(t, env.trackIds[1]!)).counted).toBe(true);
    const history = async () => (await t.call('wallet.history', { limit: 50 })).entries;
    expect(await history()).toEqual([
      expect.objectContaining({ trackId: env.trackIds[1], outcome: 'charged' }),
    ]);

    await t.call('account.signOut');
    await signUp(t, 'no sync');
    expect(await history()).toEqual([]); // not A's play
    await listen(t, env.trackIds[1]!);
    expect(await history()).toEqual([
      expect.objectContaining({ trackId: env.trackIds[1], outcome: 'preview' }),
    ]);

    await t.call('account.signOut');
    await t.call('account.signIn', { email: a.email, password: 'listener password' });
    expect(await history()).toEqual([
      expect.objectContaining({ trackId: env.trackIds[1], outcome: 'charged' }),
    ]);
  }, 60_000);

  it("with a host that asks the listener itself (Electron's own dialog), a valid quote alone buys nothing: only the listener's yes does", async () => {
    const asked: unknown[] = [];
    let answer = false;
    const t = await app(undefined, async (purchase) => {
      asked.push(purchase);
      return answer;
    });
    const { api } = await signUp(t, 5000);
    // A compromised renderer can ask for a quote and present it; the host's dialog still says no.
    const refused = await buy(t, 'release', env.releaseId).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(String((refused as Error).message)).toMatch(/not confirmed; nothing was bought/);
    expect((await api.get('/v1/wallet')).body.balanceThousandths).toBe(5000);
    // The dialog named the item and its exact price, from the main process's own quote.
    expect(asked).toEqual([
      expect.objectContaining({ kind: 'release', itemId: env.releaseId, priceThousandths: 2 * 1022 }),
    ]);

    answer = true;
    const bought = await buy(t, 'release', env.releaseId);
    expect(bought.totalThousandths).toBe(2 * 1022);
    expect(asked).toHaveLength(2);
    expect((await api.get('/v1/wallet')).body.balanceThousandths).toBe(5000 - 2 * 1022);
  }, 60_000);

  describe('through the web host', () => {
    let host: WebHost;
    const call = async <T = any>(name: string, input: unknown = {}): Promise<T> =>
      ok<T>(await host.services.dispatch(name, input));
    const media = (mediaUrl: string, range?: string) =>
      fetch(`${host.url}${mediaUrl}`, { headers: range ? { range } : {} });

    beforeAll(async () => {
      host = await startWebHost({
        dataDir: tempDir('holes-host-'),
        rendererDir: join(tempDir('no-renderer-'), 'none'),
        logger: silentLogger,
        appVersion: '0.0.0-test',
        sync: { autoStart: false },
      });
      await call('settings.update', { syncServerUrl: env.server.url });
      await call('account.signUp', {
        email: `listener-${uuidv7()}@example.org`,
        password: 'listener password',
      });
      await call('sync.now');
    }, 60_000);
    afterAll(async () => {
      await host?.close();
    });

    it('an uncounted session with an empty wallet may fetch only about the first 45 s of the audio; a free track is not capped', async () => {
      const trackId = env.trackIds[0]!; // 120 s
      const opened = await call('player.open', { source: 'coop', trackId });
      const whole = await media(opened.mediaUrl);
      const body = Buffer.from(await whole.arrayBuffer());
      const total = Number(/\/(\d+)$/.exec(whole.headers.get('content-range') ?? '')?.[1] ?? body.length);
      expect(total).toBeGreaterThan(200_000);
      // Capped: the answer stops well before the end (120 s of audio; 45 s + margin allowed).
      expect(whole.status).toBe(206);
      expect(body.length).toBeLessThan(total * 0.7);
      expect(body.length).toBeGreaterThan(total * (45 / 120));
      const beyond = await media(opened.mediaUrl, `bytes=${Math.floor(total * 0.8)}-`);
      expect(beyond.status).toBe(416);
      expect((await beyond.arrayBuffer()).byteLength).toBe(0);
      await call('player.close', { sessionId: opened.sessionId });

      const short = await call('player.open', { source: 'coop', trackId: env.trackIds[2] });
      const free = await media(short.mediaUrl);
      expect(free.status).toBe(200);
      expect((await free.arrayBuffer()).byteLength).toBeGreaterThan(0);
      await call('player.close', { sessionId: short.sessionId });
    }, 60_000);
  });
});
