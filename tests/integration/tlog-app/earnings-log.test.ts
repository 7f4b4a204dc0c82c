import { beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { FetchLike } from '../../../src/main/services/sync/api-client';
import type { EarningsReport } from '../../../src/shared/earnings-report';
import { hashLeafText, MerkleTree, signCheckpoint } from '../../../src/shared/tlog';
import { tempDir } from '../server/harness';
import { syncedPlays, useServerWithRelease } from '../sync/server-with-release';
import type { TestApp } from '../sync/support';
import { CheatingProxy } from './cheating-proxy';
import { withoutPlay } from './cheating-report';

/**
 * The Earnings view's audit check bound to the public log (issue 14.5): the
 * artist domain downloads the report, verifies it alone, and — in the main
 * process, with the code `verify-report --log` runs — fetches the leaves of
 * the checkpoint it names and recomputes the artist's plays and totals from
 * the log. Against a real server process; the cheating server is that server
 * with its report (or its log) answered differently on the artist's network.
 */

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
  const env = useServerWithRelease(
    { seconds: [60, 60], artist: 'Earnings Log Artist', title: 'Bound' },
    120_000,
  );
  let artist: TestApp;
  let net: ReturnType<typeof cheatingNetwork>;

  beforeAll(async () => {
    // Two listeners, three plays; vouchers' leaves in between.
    await syncedPlays(env, [[env.trackIds[0]!, env.trackIds[1]!], [env.trackIds[0]!]]);
    net = cheatingNetwork(CheatingProxy.seedOf(env.store.dataDir));
    artist = env.app({ fetch: net.fetch });
    const account = await artist.call('account.signUp', {
      email: `artist-${uuidv7()}@example.org`,
      password: 'artist password',
    });
    expect(
      (await env.admin.post(`/v1/admin/artists/${env.artistId}/rightsholders`, { userId: account.userId }))
        .status,
    ).toBe(204);
  }, 120_000);

  const exportReport = () =>
    artist.call('artist.exportReport', {
      artistId: env.artistId,
      path: `${tempDir('earnings-log-')}/report.json`,
    });

  it('an honest report matches the public log: the checkpoint it names, the artist’s leaves, the same totals', async () => {
    net.state.cheat = { kind: 'honest' };
    const verdict = await exportReport();
    expect(verdict).toMatchObject({ ok: true, receipts: 3 });
    const size = Number((await (await fetch(`${env.server.url}/v1/log/checkpoint`)).text()).split('\n')[1]);
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
