import { v7 as uuidv7 } from 'uuid';
import { generateEd25519KeyPair, type Ed25519KeyPair } from '../../../src/node/ed25519';
import { signPlayReceipt } from '../../../src/node/receipt-signing';
import {
  EARNINGS_REPORT_FORMAT,
  EARNINGS_REPORT_VERSION,
  compareSettlementOrder,
  emptyTotals,
  type EarningsReport,
  type EarningsTotals,
  type ReportPlay,
  type ReportPurchase,
} from '../../../src/shared/earnings-report';
import {
  PAID_PLAYS_TO_OWN,
  isShortTrack,
  priceOfPaidPlay,
  remainingToOwnThousandths,
  splitCharge,
} from '../../../src/shared/pricing';

/**
 * Builds earnings reports the way the server settles plays: real device
 * keys and signed receipts, prices from the shared pricing module. Used to
 * make clean reports for the verifier tests, which then tamper with them.
 */
export interface Device {
  id: string;
  keys: Ed25519KeyPair;
  seq: number;
}

export interface Step {
  listener: string;
  device: Device;
  trackId: string;
  /** Minutes after the period start. */
  at: number;
  /** Default: paid unless short/owned. */
  as?: 'free_track' | 'own_track' | 'unpaid' | 'buy_rest';
  /** What the receipt says was heard; default: min(45 s, the track). */
  heardMs?: number;
}

export const PERIOD_START = Date.parse('2026-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

export function newDevice(): Device {
  return { id: uuidv7(), keys: generateEd25519KeyPair(), seq: 0 };
}

export function buildReport(
  tracks: Array<{ trackId: string; title: string; durationMs: number }>,
  opening: Array<{ listener: string; trackId: string; paidPlaysBefore: number; ownedBefore?: boolean }>,
  steps: Step[],
  periodStart = PERIOD_START,
): EarningsReport {
  const state = new Map(
    opening.map((o) => [
      `${o.listener}/${o.trackId}`,
      { paid: o.paidPlaysBefore, owned: o.ownedBefore ?? o.paidPlaysBefore >= PAID_PLAYS_TO_OWN },
    ]),
  );
  const perTrack = new Map<string, EarningsTotals>(tracks.map((t) => [t.trackId, emptyTotals()]));
  const totals = emptyTotals();
  const plays: ReportPlay[] = [];
  const purchases: ReportPurchase[] = [];
  for (const s of steps) {
    const track = tracks.find((t) => t.trackId === s.trackId)!;
    const st = state.get(`${s.listener}/${s.trackId}`)!;
    const settledMs = periodStart + s.at * 60_000;
    const bump = (price: number, kind: 'paid' | 'free' | 'unpaid' | 'purchase') => {
      const split = splitCharge(price);
      for (const t of [totals, perTrack.get(s.trackId)!]) {
        if (kind === 'purchase') t.purchases++;
        else {
          t.plays++;
          if (kind === 'paid') t.paidPlays++;
          else if (kind === 'free') t.freePlays++;
          else t.unpaidPlays++;
        }
        t.creditsSpentThousandths += price;
        t.artistShareTenThousandths += split.artistTenThousandths;
        t.coopShareTenThousandths += split.coopTenThousandths;
      }
      return {
        priceThousandths: price,
        artistShareTenThousandths: split.artistTenThousandths,
        coopShareTenThousandths: split.coopTenThousandths,
      };
    };
    if (s.as === 'buy_rest') {
      purchases.push({
        listener: s.listener,
        trackId: s.trackId,
        settledAt: iso(settledMs),
        ...bump(remainingToOwnThousandths(st.paid), 'purchase'),
      });
      st.owned = true;
      continue;
    }
    let outcome: ReportPlay['outcome'] = 'free';
    let freeReason: ReportPlay['freeReason'] = null;
    let playIndex: number | null = null;
    let price = 0;
    if (isShortTrack(track.durationMs)) freeReason = 'short';
    else if (s.as === 'free_track' || s.as === 'own_track') freeReason = s.as;
    else if (st.owned) freeReason = 'owned';
    else if (s.as === 'unpaid') outcome = 'unpaid';
    else {
      outcome = 'paid';
      playIndex = st.paid + 1;
      price = priceOfPaidPlay(playIndex);
      st.paid = playIndex;
      if (st.paid === PAID_PLAYS_TO_OWN) st.owned = true;
    }
    const countedMs = settledMs - 5_000;
    const heardMs = s.heardMs ?? Math.min(45_000, track.durationMs);
    const receipt = {
      v: 1 as const,
      id: uuidv7(),
      deviceId: s.device.id,
      seq: ++s.device.seq,
      trackId: s.trackId,
      sessionStartedAt: iso(countedMs - heardMs - 1_000),
      countedAt: iso(countedMs),
      heardMs,
      durationMs: track.durationMs,
      estimatedPriceThousandths: price,
    };
    plays.push({
      listener: s.listener,
      signed: signPlayReceipt(receipt, s.device.keys.privateKey),
      devicePublicKey: s.device.keys.publicKey,
      settledAt: iso(settledMs),
      outcome,
      freeReason,
      playIndex,
      ...bump(price, outcome),
    });
  }
  numberSettlements(plays, purchases);
  return {
    format: EARNINGS_REPORT_FORMAT,
    version: EARNINGS_REPORT_VERSION,
    generatedAt: iso(periodStart + 40 * 86_400_000),
    period: { from: iso(periodStart), to: iso(periodStart + 31 * 86_400_000) },
    artist: { id: 'artist-1', name: 'The Testers' },
    tracks: tracks.map((t) => ({ ...t, totals: perTrack.get(t.trackId)! })),
    openingStates: opening.map((o) => ({
      listener: o.listener,
      trackId: o.trackId,
      paidPlaysBefore: o.paidPlaysBefore,
      ownedBefore: o.ownedBefore ?? o.paidPlaysBefore >= PAID_PLAYS_TO_OWN,
    })),
    plays,
    purchases,
    totals,
  };
}

/**
 * Gives each listener's plays and purchases their settlement numbers in the
 * order a server would have settled them here: settlement time, plays before
 * purchases at the same instant, then counted-at time, device seq, receipt id.
 */
function numberSettlements(plays: ReportPlay[], purchases: ReportPurchase[]): void {
  const events = [
    ...plays.map((p) => ({
      listener: p.listener,
      at: Date.parse(p.settledAt),
      purchase: 0,
      play: p as ReportPlay | null,
      item: p as { settlementSeq?: number },
    })),
    ...purchases.map((b) => ({
      listener: b.listener,
      at: Date.parse(b.settledAt),
      purchase: 1,
      play: null,
      item: b as { settlementSeq?: number },
    })),
  ];
  events.sort(
    (a, b) =>
      a.at - b.at ||
      a.purchase - b.purchase ||
      (a.play && b.play ? compareSettlementOrder(a.play, b.play) : 0),
  );
  const next = new Map<string, number>();
  for (const e of events) {
    const n = (next.get(e.listener) ?? 0) + 1;
    next.set(e.listener, n);
    e.item.settlementSeq = n;
  }
}

/** A report with every kind of play: paid ladders across two devices, short, owned after the 9th play, buy the rest, free-marked, unpaid. */
export function sampleReport(): {
  report: EarningsReport;
  devices: Record<'a1' | 'a2' | 'b1' | 'c1' | 'd1', Device>;
} {
  const devices = { a1: newDevice(), a2: newDevice(), b1: newDevice(), c1: newDevice(), d1: newDevice() };
  const tracks = [
    { trackId: 'trk-song', title: 'Song', durationMs: 200_000 },
    { trackId: 'trk-interlude', title: 'Interlude', durationMs: 30_000 },
    { trackId: 'trk-gift', title: 'Gift', durationMs: 180_000 },
  ];
  const opening = [
    { listener: 'L-a', trackId: 'trk-song', paidPlaysBefore: 2 },
    { listener: 'L-a', trackId: 'trk-interlude', paidPlaysBefore: 0 },
    { listener: 'L-a', trackId: 'trk-gift', paidPlaysBefore: 0 },
    { listener: 'L-b', trackId: 'trk-song', paidPlaysBefore: 8 },
    { listener: 'L-c', trackId: 'trk-song', paidPlaysBefore: 1 },
    { listener: 'L-d', trackId: 'trk-song', paidPlaysBefore: 0 },
  ];
  const { a1, a2, b1, c1, d1 } = devices;
  const steps: Step[] = [
    { listener: 'L-a', device: a1, trackId: 'trk-song', at: 10 },
    { listener: 'L-a', device: a2, trackId: 'trk-song', at: 20 },
    { listener: 'L-a', device: a1, trackId: 'trk-interlude', at: 25 },
    { listener: 'L-a', device: a1, trackId: 'trk-song', at: 30 },
    { listener: 'L-a', device: a2, trackId: 'trk-gift', at: 35, as: 'free_track' },
    { listener: 'L-b', device: b1, trackId: 'trk-song', at: 40 },
    { listener: 'L-b', device: b1, trackId: 'trk-song', at: 50 },
    { listener: 'L-c', device: c1, trackId: 'trk-song', at: 60 },
    { listener: 'L-c', device: c1, trackId: 'trk-song', at: 70, as: 'buy_rest' },
    { listener: 'L-c', device: c1, trackId: 'trk-song', at: 80 },
    { listener: 'L-d', device: d1, trackId: 'trk-song', at: 90, as: 'unpaid' },
  ];
  return { report: buildReport(tracks, opening, steps), devices };
}
