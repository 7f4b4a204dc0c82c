import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { FakeClock } from '../../../src/main/services/core/clock';
import { freshStore, runCli, signIn, type StoreTarget, signInNewAdmin } from '../server/harness';
import {
  expectNothingPending,
  faultProxy,
  listen,
  makeApp,
  makeAudioFolder,
  serverProcess,
  type FaultMode,
} from './support';

/**
 * A proxy between the app and a real server that answers 500s, hangs past
 * the client's timeout, closes connections mid-answer, answers malformed
 * JSON, or forwards the receipts and then drops the answer. The app keeps
 * working (plays count against the allowance), the outbox keeps every
 * receipt, and the next good sync settles each once.
 */
describe('sync through a faulty network', () => {
  let store: StoreTarget;
  let server: Awaited<ReturnType<typeof serverProcess>>;
  let proxy: Awaited<ReturnType<typeof faultProxy>>;
  let trackId: string;
  let code: string;

  beforeAll(async () => {
    store = await freshStore('sqlite');
    server = await serverProcess(store);
    proxy = await faultProxy(server.url);
    const imported = await runCli(store, [
      'import-release',
      makeAudioFolder([60]),
      '--artist',
      'Fault Artist',
    ]);
    trackId = imported.tracks[0].id;
    const admin = await signInNewAdmin(store, server.url);
    code = (await admin.post('/v1/admin/voucher-batches', { valueThousandths: 5000, count: 1 })).body
      .codes[0];
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
    await store?.cleanup();
  });

  it('keeps every receipt through 500s, timeouts, cut answers, garbage and lost answers, then settles each once', async () => {
    const t = makeApp(proxy.url, {
      clock: new FakeClock(1_000, Date.now() - 3_600_000),
      requestTimeoutMs: 300,
      realTimers: true,
    });
    try {
      const email = `l-${uuidv7()}@example.org`;
      await t.call('account.signUp', { email, password: 'listener password' });
      await t.call('wallet.redeemVoucher', { code });
      await t.call('coop.download', { trackId });
      const api = await signIn(server.url, email, 'listener password');

      const modes: FaultMode[] = [
        'error500',
        'hang',
        'close_mid_response',
        'garbage',
        'drop_answer',
        'error500',
      ];
      let expectedPaid = 0;
      for (const [i, mode] of modes.entries()) {
        expect((await listen(t, trackId)).counted).toBe(true);
        expectedPaid += 2 ** (i + 1);
        proxy.mode = mode;
        const status = await t.call('sync.now');
        expect(status.state, mode).toBe(
          mode === 'hang' || mode === 'drop_answer' || mode === 'close_mid_response' ? 'offline' : 'error',
        );
        expect(status.lastError).not.toBeNull();
        // Nothing was lost: every receipt made so far is still waiting, the app still answers.
        expect(status.pendingReceipts).toBe(i + 1);
        expect((await t.call('wallet.get')).pendingThousandths).toBe(expectedPaid);
        expect(status.consecutiveFailures).toBe(i + 1);
      }
      // The lost answer was settled on the server: the resend gets that first answer back.
      proxy.mode = 'pass';
      const good = await t.call('sync.now');
      expect(good.state).toBe('online');
      expectNothingPending(good);
      expect(good.balanceThousandths).toBe(5000 - expectedPaid);
      expect((await api.get('/v1/wallet')).body.balanceThousandths).toBe(5000 - expectedPaid);
      const plays = (await api.get('/v1/plays')).body.tracks;
      expect(plays).toEqual([
        expect.objectContaining({ trackId, paidPlays: modes.length, paidThousandths: expectedPaid }),
      ]);
      const history = await t.call('wallet.history', {});
      expect(history.entries.every((e: { settled: boolean }) => e.settled)).toBe(true);
      expect((await t.call('sync.corrections', {})).corrections).toEqual([]);
      expect(good.unseenCorrections).toBe(0);
    } finally {
      await t.app.close();
    }
  });
});
