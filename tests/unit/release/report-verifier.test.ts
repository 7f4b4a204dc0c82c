import { describe, expect, it } from 'vitest';
import { verifyEarningsReport, verifyEarningsReportChain } from '../../../src/node/report-verifier';
import type { EarningsReport } from '../../../src/shared/earnings-report';
import { splitCharge } from '../../../src/shared/pricing';
import { PERIOD_START, buildReport, newDevice, sampleReport } from './report-builder';

const clone = (r: EarningsReport): EarningsReport => structuredClone(r);
const kinds = (r: ReturnType<typeof verifyEarningsReport>) =>
  [...new Set(r.mismatches.map((m) => m.kind))].sort();

describe('earnings report verifier', () => {
  const { report, devices } = sampleReport();

  it('verifies a clean report: every signature, price, split and total', () => {
    const result = verifyEarningsReport(report);
    expect(result.mismatches).toEqual([]);
    expect(result).toMatchObject({
      ok: true,
      receipts: 10,
      verified: 10,
      claims: { freeTrack: 1, ownTrack: 0, unpaid: 1 },
    });
    // L-a: paid plays 3, 4, 5 (8 + 16 + 32); L-b: the 9th (512) then owned; L-c: the 2nd (4), buys the rest (1022 − 6), then owned.
    expect(result.totals).toEqual({
      plays: 10,
      paidPlays: 5,
      freePlays: 4,
      unpaidPlays: 1,
      purchases: 1,
      creditsSpentThousandths: 8 + 16 + 32 + 512 + 4 + 1016,
      artistShareTenThousandths: (8 + 16 + 32 + 512 + 4 + 1016) * 7,
      coopShareTenThousandths: (8 + 16 + 32 + 512 + 4 + 1016) * 3,
    });
  });

  it('catches a tampered receipt (the listener heard less than the report says)', () => {
    const r = clone(report);
    r.plays[0]!.signed.receipt.heardMs += 1_000;
    const result = verifyEarningsReport(r);
    expect(result.ok).toBe(false);
    expect(result.verified).toBe(9);
    expect(result.mismatches[0]).toMatchObject({
      kind: 'bad_signature',
      receiptId: r.plays[0]!.signed.receipt.id,
    });
  });

  it('catches a wrong price even when the split and totals were made to match it', () => {
    const r = clone(report);
    const play = r.plays[0]!; // the listener's 3rd paid play: 8
    const split = splitCharge(16);
    Object.assign(play, {
      priceThousandths: 16,
      artistShareTenThousandths: split.artistTenThousandths,
      coopShareTenThousandths: split.coopTenThousandths,
    });
    for (const t of [r.totals, r.tracks[0]!.totals]) {
      t.creditsSpentThousandths += 8;
      t.artistShareTenThousandths += 56;
      t.coopShareTenThousandths += 24;
    }
    const result = verifyEarningsReport(r);
    expect(kinds(result)).toEqual(['price']);
    expect(result.mismatches[0]).toMatchObject({ field: 'priceThousandths', expected: 8, actual: 16 });
  });

  it('catches a repeated play index (charging the same step of the ladder twice)', () => {
    const r = clone(report);
    r.plays[1]!.playIndex = 3;
    r.plays[1]!.priceThousandths = 8;
    expect(kinds(verifyEarningsReport(r))).toEqual(expect.arrayContaining(['play_index', 'price']));
  });

  it('catches a wrong total', () => {
    const r = clone(report);
    r.totals.artistShareTenThousandths += 7;
    const result = verifyEarningsReport(r);
    expect(result.mismatches).toEqual([
      expect.objectContaining({ kind: 'totals', field: 'artistShareTenThousandths' }),
    ]);
  });

  it('catches a wrong per-track total', () => {
    const r = clone(report);
    r.tracks[0]!.totals.paidPlays -= 1;
    expect(verifyEarningsReport(r).mismatches).toEqual([
      expect.objectContaining({ kind: 'track_totals', trackId: 'trk-song', field: 'paidPlays' }),
    ]);
  });

  it('catches a swapped device public key', () => {
    const r = clone(report);
    r.plays[0]!.devicePublicKey = devices.b1.keys.publicKey;
    const result = verifyEarningsReport(r);
    expect(kinds(result)).toContain('bad_signature');
    expect(kinds(result)).toContain('device_key_changed');
  });

  it('catches a wrong split (71/29)', () => {
    const r = clone(report);
    r.plays[0]!.artistShareTenThousandths += 1;
    r.plays[0]!.coopShareTenThousandths -= 1;
    // The totals, summed from the plays' shares, then disagree too.
    expect(kinds(verifyEarningsReport(r))).toEqual(['split', 'totals', 'track_totals']);
  });

  it('catches plays moved to another pseudonym (restarting the price ladder)', () => {
    const r = clone(report);
    r.plays[1]!.listener = 'L-z';
    expect(kinds(verifyEarningsReport(r))).toEqual(expect.arrayContaining(['device_listener_changed']));
  });

  it('catches a paid play of a short track and a charge after the track was owned', () => {
    const r = clone(report);
    const short = r.plays.find((p) => p.freeReason === 'short')!;
    Object.assign(short, {
      outcome: 'paid',
      freeReason: null,
      playIndex: 1,
      priceThousandths: 2,
      artistShareTenThousandths: 14,
      coopShareTenThousandths: 6,
    });
    const owned = r.plays.filter((p) => p.freeReason === 'owned')[0]!;
    Object.assign(owned, {
      outcome: 'paid',
      freeReason: null,
      playIndex: 9,
      priceThousandths: 512,
      artistShareTenThousandths: 3584,
      coopShareTenThousandths: 1536,
    });
    const result = verifyEarningsReport(r);
    expect(result.mismatches.filter((m) => m.kind === 'outcome').map((m) => m.receiptId)).toEqual([
      short.signed.receipt.id,
      owned.signed.receipt.id,
    ]);
  });

  it('catches a duplicated receipt', () => {
    const r = clone(report);
    r.plays.push(structuredClone(r.plays[0]!));
    expect(kinds(verifyEarningsReport(r))).toEqual(
      expect.arrayContaining(['duplicate_receipt', 'duplicate_seq']),
    );
  });

  it('answers malformed for something that is not a report', () => {
    const result = verifyEarningsReport({ format: 'something else' });
    expect(result.ok).toBe(false);
    expect(result.mismatches[0]!.kind).toBe('malformed');
  });
});

describe('consecutive reports', () => {
  const song = [{ trackId: 'trk-song', title: 'Song', durationMs: 200_000 }];
  const device = newDevice();
  const march = buildReport(
    song,
    [{ listener: 'P-1', trackId: 'trk-song', paidPlaysBefore: 0 }],
    [
      { listener: 'P-1', device, trackId: 'trk-song', at: 1 },
      { listener: 'P-1', device, trackId: 'trk-song', at: 2 },
    ],
  );
  const aprilStart = PERIOD_START + 31 * 86_400_000;
  const april = (paidPlaysBefore: number) =>
    buildReport(
      song,
      [{ listener: 'P-1', trackId: 'trk-song', paidPlaysBefore }],
      [{ listener: 'P-1', device, trackId: 'trk-song', at: 1 }],
      aprilStart,
    );

  it('chain: the next period opens where the last one closed', () => {
    const result = verifyEarningsReportChain([april(2), march]);
    expect(result.chain).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.reports[0]!.totals.creditsSpentThousandths).toBe(8); // the 3rd paid play
  });

  it('catches an inflated opening state (more paid plays "before the period" than there were)', () => {
    const inflated = april(5); // charges 64 for what is really the 3rd play (8); valid on its own
    expect(verifyEarningsReport(inflated).ok).toBe(true);
    const result = verifyEarningsReportChain([march, inflated]);
    expect(result.ok).toBe(false);
    expect(result.chain).toEqual([
      expect.objectContaining({ kind: 'opening_state', expected: 2, actual: 5 }),
    ]);
  });
});
