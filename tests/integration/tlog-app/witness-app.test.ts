import { beforeAll, describe, expect, it } from 'vitest';
import { witnessRound, witnessVkey, type WitnessKey } from '../../../src/cli/commands/witness';
import type { FetchLike } from '../../../src/main/services/sync/api-client';
import { toBase64 } from '../../../src/shared/tlog';
import { hourAgoClock, signUpListener, useServerWithRelease } from '../sync/server-with-release';
import { listen, type TestApp } from '../sync/support';
import { CheatingProxy } from './cheating-proxy';

/**
 * The app configured to require a known witness's cosignature (issue 14.6),
 * against a real server process and real witnesses (`cli witness`'s round,
 * in-process): nothing is shown as verified until the witness has cosigned;
 * a cosignature by a key the app does not know does not count; and a split
 * view — the witness cosigned the real checkpoint, the server shows this app
 * another tree of the same size — is refused, even with the witness's
 * cosignature copied onto it.
 */
const witnessKey = (name: string, byte: number): WitnessKey => ({
  name,
  privateKey: toBase64(Uint8Array.from({ length: 32 }, (_, i) => (i * byte + 1) & 0xff)),
});
const KNOWN = witnessKey('witness.example/artists-guild', 5);
const UNKNOWN = witnessKey('witness.example/stranger', 7);

/** The note's signature lines ("— name base64"), but the log's own. */
const cosignatureLines = (note: string, origin: string) =>
  note.split('\n').filter((l) => l.startsWith('\u2014 ') && !l.startsWith(`\u2014 ${origin} `));

describe('an app that requires a witness cosignature', () => {
  const env = useServerWithRelease(
    { seconds: [60, 60], artist: 'Witnessed Artist', title: 'Witnessed' },
    120_000,
  );
  let codes: string[];

  beforeAll(async () => {
    codes = await env.vouchers(4);
  });

  /** A listener with credit whose app requires one cosignature by KNOWN; answers after one settled, synced play. */
  async function listenerRequiringWitness(
    url: string,
    fetchImpl?: FetchLike,
  ): Promise<{ t: TestApp; receiptId: string }> {
    const t = env.app({ url, clock: hourAgoClock(), fetch: fetchImpl });
    const configured = await t.call('tlog.configure', {
      witnesses: [witnessVkey(KNOWN)],
      requiredWitnesses: 1,
    });
    expect(configured).toMatchObject({ requiredWitnesses: 1, witnesses: [witnessVkey(KNOWN)] });
    await signUpListener(t, codes.pop());
    expect((await listen(t, env.trackIds[0]!)).counted).toBe(true);
    const [entry] = (await t.call('wallet.history', { limit: 1 })).entries;
    expect((await t.call('sync.now')).state).toBe('online');
    expect((await t.call('wallet.history', { limit: 1 })).entries[0].settled).toBe(true);
    return { t, receiptId: entry.receiptId as string };
  }

  it('shows nothing as verified until the known witness cosigned; an unknown witness does not count; then the play is in the log and 1 witness cosigned', async () => {
    const { t, receiptId } = await listenerRequiringWitness(env.server.url);
    const waiting = await t.call('tlog.status');
    expect(waiting).toMatchObject({
      state: 'awaiting_witnesses',
      checkpoint: null,
      inLog: 0,
      pending: 1,
      failures: [],
    });
    expect((await t.call('tlog.plays', { receiptIds: [receiptId] })).plays[0]).toMatchObject({
      state: 'pending',
      leafIndex: null,
    });

    // A witness the app does not know cosigns: the server publishes it; it counts for nothing here.
    const stranger = await witnessRound({ log: env.server.url, key: UNKNOWN, state: null });
    expect(stranger.report).toMatchObject({ ok: true, event: 'cosigned' });
    const published = await (await fetch(`${env.server.url}/v1/log/checkpoint`)).text();
    expect(published).toContain(`\u2014 ${UNKNOWN.name} `);
    const still = await t.call('tlog.check');
    expect(still).toMatchObject({ state: 'awaiting_witnesses', checkpoint: null, inLog: 0, pending: 1 });

    // The known witness cosigns the same checkpoint: now it is verified, and the play proven in it.
    const known = await witnessRound({ log: env.server.url, key: KNOWN, state: null });
    expect(known.report).toMatchObject({ ok: true, event: 'cosigned', size: stranger.state!.size });
    const verified = await t.call('tlog.check');
    expect(verified).toMatchObject({ state: 'verified', inLog: 1, pending: 0, failures: [] });
    expect(verified.checkpoint).toMatchObject({
      size: known.state!.size,
      knownWitnessCosignatures: 1,
      cosignatures: 2,
    });
    const [play] = (await t.call('tlog.plays', { receiptIds: [receiptId] })).plays;
    expect(play.state).toBe('in_log');
    const real = await (
      await fetch(`${env.server.url}/v1/log/proof/inclusion?receiptId=${receiptId}`)
    ).json();
    expect(play.leafIndex).toBe((real as { index: number }).index);
  });

  it('a split view is refused: the witness cosigned checkpoint A, the server shows this app B of the same size (even with A’s cosignature copied on)', async () => {
    const proxy = new CheatingProxy(env.server.url, CheatingProxy.seedOf(env.store.dataDir));
    env.stopAfterApps(proxy);
    await proxy.start();
    proxy.mode = 'rewrite';
    proxy.rewriteIndex = 0;
    const origin = ((await (await fetch(`${env.server.url}/v1/log/key`)).json()) as { keyName: string })
      .keyName;
    // The dishonest server copies the witness's cosignature lines of the real checkpoint onto the forked one.
    const copyCosignatures: FetchLike = async (url, init) => {
      const answer = await fetch(url, init);
      if (new URL(url).pathname !== '/v1/log/checkpoint' || answer.status !== 200) return answer;
      const forked = await answer.text();
      const real = await (await fetch(`${env.server.url}/v1/log/checkpoint`)).text();
      const lines = cosignatureLines(real, origin);
      return new Response(forked + lines.map((l) => `${l}\n`).join(''), {
        status: 200,
        headers: answer.headers,
      });
    };
    const { t, receiptId } = await listenerRequiringWitness(proxy.url, copyCosignatures);

    // The witness watches the real log and cosigns checkpoint A (which holds this app's play).
    const a = await witnessRound({ log: env.server.url, key: KNOWN, state: null });
    expect(a.report).toMatchObject({ ok: true, event: 'cosigned' });
    const b = await (await fetch(`${proxy.url}/v1/log/checkpoint`)).text();
    expect(Number(b.split('\n')[1])).toBe(a.state!.size);
    expect(b.split('\n')[2]).not.toBe(a.state!.root);

    const seen = await t.call('tlog.check');
    expect(seen.state).toBe('awaiting_witnesses');
    expect(seen.checkpoint).toBeNull();
    expect(seen.inLog).toBe(0);
    expect((await t.call('tlog.plays', { receiptIds: [receiptId] })).plays[0].state).toBe('pending');
    // What the app is shown carries the cosignature line, which does not verify on B.
    const offered = await copyCosignatures(`${proxy.url}/v1/log/checkpoint`, {});
    expect(await offered.text()).toContain(`\u2014 ${KNOWN.name} `);

    // And the witness, shown B, refuses to cosign it: B can never gather the cosignature the app requires.
    const shownB = await witnessRound({ log: proxy.url, key: KNOWN, state: a.state });
    expect(shownB.report).toMatchObject({ ok: false, event: 'refused', reason: 'split_view' });
    expect((await t.call('tlog.check')).state).toBe('awaiting_witnesses');
  });
});
