import { describe, expect, it } from 'vitest';
import { verifyEarningsReport, verifyEarningsReportChain } from '../../../src/node/report-verifier';
import { emptyTotals, type EarningsReport, type EarningsTotals } from '../../../src/shared/earnings-report';
import { buildReport, newDevice } from './report-builder';

/**
 * What the verifier must not take on the server's word: the track facts the
 * devices signed (a long track declared short makes every play free), and
 * the history before a report that starts at the epoch (there is none).
 * Each report here is crafted to be consistent in every other respect, so
 * only the check under test can catch it.
 */
const kinds = (r: { mismatches: Array<{ kind: string }> }) =>
  [...new Set(r.mismatches.map((m) => m.kind))].sort();
const song = [{ trackId: 'trk-song', title: 'Song', durationMs: 200_000 }];

/** Recomputes every total from the plays and purchases as a careful forger would, so totals never give it away. */
function retotal(report: EarningsReport): void {
  const totals = emptyTotals();
  const perTrack = new Map<string, EarningsTotals>(report.tracks.map((t) => [t.trackId, emptyTotals()]));
  for (const p of report.plays) {
    for (const t of [totals, perTrack.get(p.signed.receipt.trackId)!]) {
      t.plays++;
      if (p.outcome === 'paid') t.paidPlays++;
      else if (p.outcome === 'free') t.freePlays++;
      else t.unpaidPlays++;
      t.creditsSpentThousandths += p.priceThousandths;
      t.artistShareTenThousandths += p.artistShareTenThousandths;
      t.coopShareTenThousandths += p.coopShareTenThousandths;
    }
  }
  report.totals = totals;
  for (const t of report.tracks) t.totals = perTrack.get(t.trackId)!;
}

describe('the verifier checks the track facts against the signed receipts', () => {
  const device = newDevice();
  const honest = buildReport(
    song,
    [{ listener: 'L-a', trackId: 'trk-song', paidPlaysBefore: 0 }],
    [
      { listener: 'L-a', device, trackId: 'trk-song', at: 1 },
      { listener: 'L-a', device, trackId: 'trk-song', at: 2 },
      { listener: 'L-a', device, trackId: 'trk-song', at: 3 },
    ],
  );

  it('flags a 200 s track declared as 44 s, so that every play is "free (short)" and the artist is paid 0', () => {
    expect(verifyEarningsReport(honest).ok).toBe(true);
    const forged = structuredClone(honest);
    forged.tracks[0]!.durationMs = 44_000;
    for (const p of forged.plays)
      Object.assign(p, {
        outcome: 'free',
        freeReason: 'short',
        playIndex: null,
        priceThousandths: 0,
        artistShareTenThousandths: 0,
        coopShareTenThousandths: 0,
      });
    retotal(forged);
    expect(forged.totals.artistShareTenThousandths).toBe(0);

    const result = verifyEarningsReport(forged);
    expect(result.ok).toBe(false);
    expect(kinds(result)).toEqual(['track_duration']);
    // One per receipt, each naming the signed duration against the declared one.
    expect(result.mismatches).toHaveLength(3);
    expect(result.mismatches[0]).toMatchObject({
      kind: 'track_duration',
      trackId: 'trk-song',
      expected: 200_000,
      actual: 44_000,
    });
  });

  it('flags any other disagreement too (a long track declared a little longer)', () => {
    const forged = structuredClone(honest);
    forged.tracks[0]!.durationMs = 200_001;
    expect(kinds(verifyEarningsReport(forged))).toEqual(['track_duration']);
  });
});

describe('a report from the epoch has nothing before it', () => {
  const device = newDevice();
  // Opening at 5 paid plays "before 1970": the period's plays are then charged 64, 128, … instead of 2, 4, ….
  const claimsHistory = (paidPlaysBefore: number, ownedBefore = false) =>
    buildReport(
      song,
      [{ listener: 'L-a', trackId: 'trk-song', paidPlaysBefore, ownedBefore }],
      [
        { listener: 'L-a', device, trackId: 'trk-song', at: 1 },
        { listener: 'L-a', device, trackId: 'trk-song', at: 2 },
      ],
      0,
    );

  it('verifies when every opening state is zero', () => {
    const clean = claimsHistory(0);
    expect(clean.period.from).toBe('1970-01-01T00:00:00.000Z');
    expect(verifyEarningsReport(clean).mismatches).toEqual([]);
  });

  it('flags paid plays before 1970 claimed in the opening states', () => {
    const forged = claimsHistory(5);
    expect(forged.totals.creditsSpentThousandths).toBe(64 + 128);
    const result = verifyEarningsReport(forged);
    expect(result.ok).toBe(false);
    expect(result.mismatches).toEqual([
      expect.objectContaining({
        kind: 'opening_state',
        listener: 'L-a',
        trackId: 'trk-song',
        expected: 0,
        actual: 5,
      }),
    ]);
  });

  it('flags a track "owned" before 1970', () => {
    expect(kinds(verifyEarningsReport(claimsHistory(0, true)))).toContain('opening_state');
  });

  it('in a chain from the epoch, a listener first seen in a later report must open at zero', () => {
    const first = claimsHistory(0);
    const secondStart = Date.parse(first.period.to);
    const newcomer = newDevice();
    const second = (paidPlaysBefore: number) =>
      buildReport(
        song,
        [
          { listener: 'L-a', trackId: 'trk-song', paidPlaysBefore: 2 },
          { listener: 'L-b', trackId: 'trk-song', paidPlaysBefore },
        ],
        [
          { listener: 'L-a', device, trackId: 'trk-song', at: 1 },
          { listener: 'L-b', device: newcomer, trackId: 'trk-song', at: 2 },
        ],
        secondStart,
      );
    expect(verifyEarningsReportChain([first, second(0)])).toMatchObject({ ok: true, chain: [] });
    // Alone, the later report cannot tell: L-b's opening state is the server's word.
    const forged = second(4);
    expect(verifyEarningsReport(forged).ok).toBe(true);
    const chained = verifyEarningsReportChain([first, forged]);
    expect(chained.ok).toBe(false);
    expect(chained.chain).toEqual([
      expect.objectContaining({ kind: 'opening_state', listener: 'L-b', expected: 0, actual: 4 }),
    ]);
  });
});

describe('one thing said once', () => {
  const device = newDevice();
  const report = buildReport(
    song,
    [{ listener: 'L-a', trackId: 'trk-song', paidPlaysBefore: 9 }],
    [{ listener: 'L-a', device, trackId: 'trk-song', at: 1 }],
  );

  it("flags an owned track's play booked unpaid (an owned track is free)", () => {
    expect(verifyEarningsReport(report).ok).toBe(true);
    const forged = structuredClone(report);
    Object.assign(forged.plays[0]!, { outcome: 'unpaid', freeReason: null });
    retotal(forged);
    expect(verifyEarningsReport(forged).mismatches).toEqual([
      expect.objectContaining({ kind: 'outcome', actual: 'unpaid' }),
    ]);
  });

  it('refuses a second entry for a track or for a (listener, track) opening state as malformed', () => {
    const twoTracks = structuredClone(report);
    twoTracks.tracks.push({ ...structuredClone(twoTracks.tracks[0]!), durationMs: 44_000 });
    expect(verifyEarningsReport(twoTracks).mismatches).toEqual([
      expect.objectContaining({ kind: 'malformed', field: 'tracks.1' }),
    ]);
    const twoOpenings = structuredClone(report);
    twoOpenings.openingStates.push({
      ...twoOpenings.openingStates[0]!,
      paidPlaysBefore: 2,
      ownedBefore: false,
    });
    expect(verifyEarningsReport(twoOpenings).mismatches).toEqual([
      expect.objectContaining({ kind: 'malformed', field: 'openingStates.1' }),
    ]);
  });
});

describe('the verifier counts a short track by the rule the guard and the server use', () => {
  const device = newDevice();
  const interlude = [{ trackId: 'trk-interlude', title: 'Interlude', durationMs: 30_000 }];
  const heard = (heardMs: number) =>
    buildReport(
      interlude,
      [{ listener: 'L-a', trackId: 'trk-interlude', paidPlaysBefore: 0 }],
      [{ listener: 'L-a', device, trackId: 'trk-interlude', at: 1, heardMs }],
    );

  it('passes a 30 s track heard to its end less under a second (29,000 ms and 29,999 ms), as the server settles it', () => {
    expect(verifyEarningsReport(heard(29_000)).mismatches).toEqual([]);
    expect(verifyEarningsReport(heard(29_999)).mismatches).toEqual([]);
    // Less than that cannot even be signed: the receipt schema refuses it (src/shared/receipt.ts).
  });
});
