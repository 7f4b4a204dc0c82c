import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { FakeClock } from '../../../src/main/services/core/clock';
import type { FetchLike } from '../../../src/main/services/sync/api-client';
import { addPlayToTotals, emptyTotals, type EarningsReport } from '../../../src/shared/earnings-report';
import { hashLeafText, MerkleTree, signCheckpoint } from '../../../src/shared/tlog';
import { freshStore, runCli, signInNewAdmin, tempDir, type Api, type StoreTarget } from '../server/harness';
import { listen, makeApp, makeAudioFolder, serverProcess, type TestApp } from '../sync/support';
import { CheatingProxy } from './cheating-proxy';

/**
 * The Earnings view's audit check bound to the public log (issue 14.5): the
 * artist domain downloads the report, verifies it alone, and — in the main
 * process, with the code `verify-report --log` runs — fetches the leaves of
 * the checkpoint it names and recomputes the artist's plays and totals from
 * the log. Against a real server process; the cheating server is that server
 * with its report (or its log) answered differently on the artist's network.
 */

/** The report without one play, its totals summed again so that it is consistent with itself. */
function withoutPlay(report: EarningsReport, index: number): EarningsReport {
  const plays = report.plays.filter((_, i) => i !== index);
  const dropped = report.plays[index]!;
  const totals = emptyTotals();
  for (const p of plays) addPlayToTotals(totals, p);
  for (const p of report.purchases) {
    totals.purchases++;
    totals.creditsSpentThousandths += p.priceThousandths;
    totals.artistShareTenThousandths += p.artistShareTenThousandths;
    totals.coopShareTenThousandths += p.coopShareTenThousandths;
  }
  const tracks = report.tracks.map((t) => {
    if (t.trackId !== dropped.signed.receipt.trackId) return t;
    const trackTotals = emptyTotals();
    for (const p of plays.filter((p) => p.signed.receipt.trackId === t.trackId))
      addPlayToTotals(trackTotals, p);
    return { ...t, totals: trackTotals };
  });
  return { ...report, plays, totals, tracks };
}

type Cheat =
  | { kind: 'honest' }
  | { kind: 'drop_play'; dropped?: EarningsReport['plays'][number] }
  /** Another tree of the same size (leaf 0 said differently), signed with the real log key: the report names it and the leaves route serves it. */
  | { kind: 'fork' };

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/** The artist's network: the real server, with the report (and, forked, the log's leaves) answered as `cheat` says. */
function cheatingNetwork(seed: Uint8Array) {
  const state: { cheat: Cheat } = { cheat: { kind: 'honest' } };
  async function forkedLeaves(base: string): Promise<{ texts: string[]; note: string }> {
    const latest = await (await fetch(`${base}/v1/log/checkpoint`)).text();
    const [origin, sizeLine] = latest.split('\n');
    const size = Number(sizeLine);
    const page = (await (await fetch(`${base}/v1/log/leaves?start=0&end=${size}`)).json()) as {
      leaves: Array<{ leaf: string }>;
    };
    const texts = page.leaves.map((l) => l.leaf);
    const leaf = JSON.parse(texts[0]!) as { time: number };
    texts[0] = texts[0]!.replace(`"time":${leaf.time}`, `"time":${leaf.time + 1}`);
    const tree = new MerkleTree();
    for (const t of texts) tree.append(hashLeafText(t));
    return { texts, note: signCheckpoint({ origin: origin!, size, root: tree.root() }, origin!, seed) };
  }
  const fetchImpl: FetchLike = async (url, init) => {
    const u = new URL(url);
    const cheat = state.cheat;
    if (cheat.kind === 'honest') return fetch(url, init);
    if (u.pathname.endsWith('/earnings/report')) {
      const report = (await (await fetch(url, init)).json()) as EarningsReport;
      if (cheat.kind === 'drop_play') {
        // The listener's last play of a track: its removal leaves no gap in the play indexes the report shows.
        const last = report.plays.length - 1;
        cheat.dropped = report.plays[last];
        return json(withoutPlay(report, last));
      }
      const forked = await forkedLeaves(u.origin);
      expect(Number(forked.note.split('\n')[1])).toBe(report.log!.size);
      return json({ ...report, log: { ...report.log, checkpoint: forked.note } });
    }
    if (cheat.kind === 'fork' && u.pathname === '/v1/log/leaves') {
      const forked = await forkedLeaves(u.origin);
      const start = Number(u.searchParams.get('start'));
      const end = Number(u.searchParams.get('end'));
      return json({
        start,
        end,
        leaves: forked.texts.slice(start, end).map((leaf, i) => ({ index: start + i, leaf })),
      });
    }
    return fetch(url, init);
  };
  return { state, fetch: fetchImpl };
}

describe('the Earnings view checks the report against the public log', () => {
  let store: StoreTarget;
  let server: Awaited<ReturnType<typeof serverProcess>>;
  let admin: Api;
  let artistId: string;
  let trackIds: string[];
  let artist: TestApp;
  let net: ReturnType<typeof cheatingNetwork>;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    store = await freshStore('sqlite');
    server = await serverProcess(store);
    const imported = await runCli(store, [
      'import-release',
      makeAudioFolder([60, 60]),
      '--artist',
      'Earnings Log Artist',
      '--title',
      'Bound',
    ]);
    artistId = imported.artistId;
    trackIds = imported.tracks.map((t: { id: string }) => t.id);
    admin = await signInNewAdmin(store, server.url);
    const codes = (await admin.post('/v1/admin/voucher-batches', { valueThousandths: 5000, count: 2 })).body
      .codes;
    // Two listeners, three plays; vouchers' leaves in between.
    for (const [i, tracks] of [[trackIds[0]!, trackIds[1]!], [trackIds[0]!]].entries()) {
      const t = makeApp(server.url, { clock: new FakeClock(1_000, Date.now() - 3_600_000) });
      apps.push(t);
      await t.call('account.signUp', {
        email: `listener-${uuidv7()}@example.org`,
        password: 'listener password',
      });
      await t.call('wallet.redeemVoucher', { code: codes[i] });
      for (const track of tracks) expect((await listen(t, track)).counted).toBe(true);
      expect((await t.call('sync.now')).pendingReceipts).toBe(0);
    }
    net = cheatingNetwork(CheatingProxy.seedOf(store.dataDir));
    artist = makeApp(server.url, { fetch: net.fetch });
    apps.push(artist);
    const account = await artist.call('account.signUp', {
      email: `artist-${uuidv7()}@example.org`,
      password: 'artist password',
    });
    expect(
      (await admin.post(`/v1/admin/artists/${artistId}/rightsholders`, { userId: account.userId })).status,
    ).toBe(204);
  }, 120_000);
  afterAll(async () => {
    for (const t of apps) await t.app.close();
    await server?.stop();
    await store?.cleanup();
  });

  const exportReport = () =>
    artist.call('artist.exportReport', { artistId, path: `${tempDir('earnings-log-')}/report.json` });

  it('an honest report matches the public log: the checkpoint it names, the artist’s leaves, the same totals', async () => {
    net.state.cheat = { kind: 'honest' };
    const verdict = await exportReport();
    expect(verdict).toMatchObject({ ok: true, receipts: 3 });
    const size = Number((await (await fetch(`${server.url}/v1/log/checkpoint`)).text()).split('\n')[1]);
    expect(verdict.log).toEqual({
      ok: true,
      checkpointSize: size,
      artistLeaves: 3,
      totals: verdict.totals,
      mismatches: [],
      mismatchCount: 0,
    });
  });

  it('a report with a play left out (its totals summed again) passes alone and is caught against the log, at the leaf of the play', async () => {
    net.state.cheat = { kind: 'drop_play' };
    const verdict = await exportReport();
    const dropped = (net.state.cheat as { dropped?: EarningsReport['plays'][number] }).dropped!;
    // The report is consistent with itself: its own check cannot see the missing play.
    expect(verdict).toMatchObject({ ok: true, receipts: 2, mismatchCount: 0 });
    expect(verdict.log.ok).toBe(false);
    expect(verdict.log.artistLeaves).toBe(3);
    expect(verdict.log.totals.plays).toBe(3);
    expect(verdict.log.mismatches).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'missing_from_report', leafIndex: dropped.leafIndex }),
        expect.objectContaining({
          kind: 'totals_differ_from_log',
          message: expect.stringMatching(/plays: report 2, log 3/),
        }),
      ]),
    );
  });

  it('a report bound to another tree of the same size than the one this app verified is caught (a split view shown to the artist)', async () => {
    net.state.cheat = { kind: 'honest' };
    // The artist's own log check keeps the real checkpoint.
    expect((await artist.call('tlog.check')).state).toBe('verified');
    const kept = (await artist.call('tlog.status')).checkpoint;
    net.state.cheat = { kind: 'fork' };
    const verdict = await exportReport();
    expect(verdict.ok).toBe(true);
    // The forked leaves are that checkpoint's tree and hold the artist's plays: only the kept checkpoint tells.
    expect(verdict.log.checkpointSize).toBe(kept.size);
    expect(verdict.log.mismatches).toEqual([
      expect.objectContaining({
        kind: 'not_the_history_this_app_verified',
        message: expect.stringMatching(/different histories/),
      }),
    ]);
    expect(verdict.log.ok).toBe(false);
  });
});
