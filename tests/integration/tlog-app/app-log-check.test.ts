import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hourAgoClock, useServerWithRelease } from '../sync/server-with-release';
import { listen, type TestApp } from '../sync/support';
import { CheatingProxy } from './cheating-proxy';

/**
 * The app's check of the public log against a real server process, and
 * against that server with one behaviour changed (a proxy in front of it
 * that answers the log's routes from a view it made up, signed with the
 * server's own log key): each way of cheating is caught, shown as a warning,
 * and kept as evidence with both signed checkpoints.
 */
describe('the app checks its plays in the public log', () => {
  const env = useServerWithRelease({ seconds: [60, 60], artist: 'Log Artist', title: 'Log Tests' });
  let codes: string[];
  let seed: Uint8Array;

  beforeAll(async () => {
    codes = await env.vouchers(10);
    seed = CheatingProxy.seedOf(env.store.dataDir);
  });

  /** A listener whose app talks to the server through its own proxy; signed up, with credit. */
  async function listener(
    cheat: (proxy: CheatingProxy) => void = () => undefined,
  ): Promise<{ t: TestApp; proxy: CheatingProxy }> {
    const proxy = new CheatingProxy(env.server.url, seed);
    env.stopAfterApps(proxy);
    await proxy.start();
    cheat(proxy); // from the first contact on
    const t = await env.listener({ url: proxy.url, clock: hourAgoClock(), code: codes.pop() });
    return { t, proxy };
  }

  /** Plays a track (45 s heard: a paid play), syncs; answers the play's receipt id. */
  async function playAndSync(t: TestApp, track = env.trackIds[0]!): Promise<string> {
    expect((await listen(t, track)).counted).toBe(true);
    const [entry] = (await t.call('wallet.history', { limit: 1 })).entries;
    expect((await t.call('sync.now')).state).toBe('online');
    return entry.receiptId as string;
  }

  const realIndex = async (receiptId: string) =>
    (
      (await (await fetch(`${env.server.url}/v1/log/proof/inclusion?receiptId=${receiptId}`)).json()) as {
        index: number;
      }
    ).index;

  it('shows a settled play as in the public log with its leaf index; offline, a new play stays pending', async () => {
    const { t, proxy } = await listener();
    const receiptId = await playAndSync(t);
    const status = await t.call('tlog.status');
    expect(status).toMatchObject({ state: 'verified', inLog: 1, pending: 0, failures: [] });
    expect(status.logKey).toMatch(/^localhost\/resonate-log\+[0-9a-f]{8}\+/);
    const [play] = (await t.call('tlog.plays', { receiptIds: [receiptId] })).plays;
    expect(play).toMatchObject({ state: 'in_log', leafIndex: await realIndex(receiptId) });
    expect(play.checkpointSize).toBeGreaterThan(play.leafIndex);

    // The log cannot be reached: the play settles, and is not shown as in the log.
    proxy.mode = 'log_down';
    const second = await playAndSync(t, env.trackIds[1]);
    const offline = await t.call('tlog.status');
    expect(offline).toMatchObject({ state: 'offline', inLog: 1, pending: 1, failures: [] });
    expect((await t.call('tlog.plays', { receiptIds: [second] })).plays[0]).toMatchObject({
      state: 'pending',
      leafIndex: null,
    });
    // Back online: proven.
    proxy.mode = 'honest';
    const back = await t.call('tlog.check');
    expect(back).toMatchObject({ state: 'verified', inLog: 2, pending: 0 });
  });

  it('catches a play the server settled but left out of its log', async () => {
    const { t, proxy } = await listener();
    expect((await listen(t, env.trackIds[0]!)).counted).toBe(true);
    const [entry] = (await t.call('wallet.history', { limit: 1 })).entries;
    proxy.mode = 'omit';
    proxy.omitReceipts.add(entry.receiptId);
    expect((await t.call('sync.now')).state).toBe('online');
    expect((await t.call('wallet.history', { limit: 1 })).entries[0].settled).toBe(true);
    const status = await t.call('tlog.status');
    expect(status.state).toBe('warning');
    expect(status.failures).toEqual([
      expect.objectContaining({ kind: 'missing_leaf', receiptId: entry.receiptId }),
    ]);
    expect((await t.call('tlog.plays', { receiptIds: [entry.receiptId] })).plays[0].state).toBe('failed');
    const exported = await t.call('tlog.exportEvidence');
    const evidence = JSON.parse(readFileSync(exported.path, 'utf8'));
    expect(evidence.failures[0]).toMatchObject({ kind: 'missing_leaf', receiptId: entry.receiptId });
    expect(evidence.failures[0].offeredCheckpoint).toMatch(/^localhost\/resonate-log\n\d+\n/);
  });

  it('catches history rewritten after a checkpoint it kept, and keeps both signed checkpoints', async () => {
    const { t, proxy } = await listener();
    await playAndSync(t);
    const kept = (await t.call('tlog.status')).checkpoint;
    expect(kept).not.toBeNull();
    proxy.mode = 'rewrite';
    proxy.rewriteIndex = 0;
    const later = await playAndSync(t, env.trackIds[1]);
    const status = await t.call('tlog.status');
    expect(status.state).toBe('warning');
    expect(status.failures.map((f: { kind: string }) => f.kind)).toEqual(['inconsistent']);
    // The kept checkpoint did not move past the failure, and the new play is not shown as in the log.
    expect(status.checkpoint).toMatchObject({ size: kept.size, rootHex: kept.rootHex });
    expect((await t.call('tlog.plays', { receiptIds: [later] })).plays[0].state).toBe('pending');
    const evidence = JSON.parse(readFileSync((await t.call('tlog.exportEvidence')).path, 'utf8'));
    expect(evidence.failures[0].keptCheckpoint).toBe(kept.note);
    expect(evidence.failures[0].offeredCheckpoint).not.toBe(kept.note);
    expect(Number(evidence.failures[0].offeredCheckpoint.split('\n')[1])).toBeGreaterThan(kept.size);
  });

  it('catches a split view: two listeners shown different trees of the same size compare checkpoints', async () => {
    const a = await listener();
    const b = await listener((proxy) => {
      proxy.mode = 'rewrite';
      proxy.rewriteIndex = 0;
    });
    await playAndSync(a.t);
    await playAndSync(b.t);
    // Alone, each sees a log consistent with itself.
    expect((await b.t.call('tlog.status')).state).toBe('verified');
    const honest = await a.t.call('tlog.check');
    expect(honest.state).toBe('verified');
    const forked = await b.t.call('tlog.status');
    expect(honest.checkpoint.size).toBe(forked.checkpoint.size);
    expect(honest.checkpoint.rootHex).not.toBe(forked.checkpoint.rootHex);
    // Compared, both catch it.
    const bSees = await b.t.call('tlog.compare', { checkpoint: honest.checkpoint.note });
    expect(bSees.state).toBe('warning');
    expect(bSees.failures[0]).toMatchObject({ kind: 'split_view' });
    const aSees = await a.t.call('tlog.compare', { checkpoint: forked.checkpoint.note });
    expect(aSees.failures[0]).toMatchObject({ kind: 'split_view' });
  });

  it('catches a checkpoint whose signature is forged, and refuses a forged checkpoint given to compare', async () => {
    const { t, proxy } = await listener();
    await playAndSync(t);
    const before = (await t.call('tlog.status')).checkpoint;
    proxy.mode = 'forge';
    const later = await playAndSync(t, env.trackIds[1]);
    const status = await t.call('tlog.status');
    expect(status.state).toBe('warning');
    expect(status.failures[0]).toMatchObject({ kind: 'bad_signature' });
    expect(status.checkpoint.size).toBe(before.size);
    expect((await t.call('tlog.plays', { receiptIds: [later] })).plays[0].state).toBe('pending');
    const forged = await (await fetch(`${proxy.url}/v1/log/checkpoint`)).text();
    const refused = await t.app.dispatch('tlog.compare', { checkpoint: forged });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
