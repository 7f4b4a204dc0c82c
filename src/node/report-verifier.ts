import {
  compareSettlementOrder,
  earningsReportSchema,
  addPlayToTotals,
  emptyTotals,
  type EarningsReport,
  type EarningsTotals,
  type ReportPlay,
  type ReportPurchase,
} from '../shared/earnings-report';
import {
  PAID_PLAYS_TO_OWN,
  heardMsNeededToCount,
  isShortTrack,
  priceOfPaidPlay,
  remainingToOwnThousandths,
  splitCharge,
} from '../shared/pricing';
import { verifySignedPlayReceipt } from './receipt-signing';

/**
 * Checks an artist's earnings report without trusting the server that made
 * it: every receipt's signature by its device key, every play index and
 * price recomputed from the listener's history with the shared pricing
 * module, every 70/30 split, and every total. What the report cannot prove
 * (a track marked free at the time, the artist's own plays, a wallet that
 * could not pay) can only lower what the artist earns; those plays are
 * counted in `claims` so the artist can see how many there are.
 */

export type MismatchKind =
  | 'malformed'
  | 'bad_signature'
  | 'duplicate_receipt'
  | 'duplicate_seq'
  | 'duplicate_settlement_seq'
  | 'device_key_changed'
  | 'device_listener_changed'
  | 'unknown_track'
  | 'track_duration'
  | 'missing_opening_state'
  | 'opening_state'
  | 'outside_period'
  | 'not_counted'
  | 'outcome'
  | 'play_index'
  | 'price'
  | 'split'
  | 'purchase'
  | 'track_totals'
  | 'totals';

export interface Mismatch {
  kind: MismatchKind;
  message: string;
  receiptId?: string;
  trackId?: string;
  listener?: string;
  field?: string;
  expected?: unknown;
  actual?: unknown;
}

export interface VerificationResult {
  ok: boolean;
  /** Plays (receipts) in the report. */
  receipts: number;
  /** Receipts whose device signature verified. */
  verified: number;
  /** Totals recomputed from the plays and purchases, not copied from the report. */
  totals: EarningsTotals;
  /** Free or unpaid outcomes the report states but cannot prove; they never add to a price. */
  claims: { freeTrack: number; ownTrack: number; unpaid: number };
  mismatches: Mismatch[];
}

interface ListenerTrackState {
  paid: number;
  owned: boolean;
}

type Event = { kind: 'play'; play: ReportPlay } | { kind: 'purchase'; purchase: ReportPurchase };

const eventTime = (e: Event) => Date.parse(e.kind === 'play' ? e.play.settledAt : e.purchase.settledAt);
const eventListener = (e: Event) => (e.kind === 'play' ? e.play.listener : e.purchase.listener);
const eventSeq = (e: Event) => (e.kind === 'play' ? e.play.settlementSeq : e.purchase.settlementSeq) ?? 0;

/**
 * Version 2: per listener by the settlement sequence the server gave under the
 * listener's wallet lock (what it decided by), whatever the clocks said.
 * Version 1: settlement time, plays before purchases at the same instant, then
 * counted-at time, device seq, receipt id.
 */
function compareEvents(version: number, a: Event, b: Event): number {
  if (version >= 2) {
    const la = eventListener(a);
    const lb = eventListener(b);
    return la < lb
      ? -1
      : la > lb
        ? 1
        : eventSeq(a) - eventSeq(b) || (a.kind === b.kind ? 0 : a.kind === 'play' ? -1 : 1);
  }
  return (
    eventTime(a) - eventTime(b) ||
    (a.kind === b.kind
      ? a.kind === 'play'
        ? compareSettlementOrder(a.play, (b as typeof a).play)
        : 0
      : a.kind === 'play'
        ? -1
        : 1)
  );
}

/** Checks one report. Never throws: any input it cannot check is answered `ok: false` with the reason. */
export function verifyEarningsReport(input: unknown): VerificationResult {
  return checkOne(input).result;
}

const EPOCH = '1970-01-01T00:00:00.000Z';

/** An answer for input that could not be checked as a report: `malformed`, never ok. */
export function unreadableReport(mismatches: Mismatch[]): VerificationResult {
  return {
    ok: false,
    receipts: 0,
    verified: 0,
    totals: emptyTotals(),
    claims: { freeTrack: 0, ownTrack: 0, unpaid: 0 },
    mismatches,
  };
}

type Checked = {
  result: VerificationResult;
  report: EarningsReport | null;
  closing: Map<string, ListenerTrackState>;
};

function checkOne(input: unknown): Checked {
  try {
    const parsed = earningsReportSchema.safeParse(input);
    if (!parsed.success) {
      const mismatches = parsed.error.issues.slice(0, 50).map<Mismatch>((issue) => ({
        kind: 'malformed',
        field: issue.path.map(String).join('.'),
        message: issue.message,
      }));
      return { result: unreadableReport(mismatches), report: null, closing: new Map() };
    }
    const check = new ReportCheck(parsed.data);
    return { result: check.run(), report: parsed.data, closing: check.closingStates };
  } catch (error) {
    // A verifier answers every input; what it cannot check does not pass.
    const message = `the report could not be checked: ${error instanceof Error ? error.message : String(error)}`;
    return { result: unreadableReport([{ kind: 'malformed', message }]), report: null, closing: new Map() };
  }
}

export interface ChainResult {
  ok: boolean;
  reports: VerificationResult[];
  /** Where a report's opening states or period do not continue the report before it. */
  chain: Mismatch[];
}

/**
 * Consecutive reports of one artist: each is verified alone, and each
 * report's opening states must equal the states the earlier reports closed
 * with. That closes the gap a single report leaves open: a server claiming
 * more paid plays "before the period" than there were, to charge more now.
 * It needs pseudonyms that are stable across the artist's reports; with
 * per-report pseudonyms only the periods' continuity is checked.
 */
export function verifyEarningsReportChain(inputs: unknown[]): ChainResult {
  const checked = inputs.map(checkOne);
  const chain: Mismatch[] = [];
  const known = new Map<string, ListenerTrackState>();
  const ordered = checked
    .filter((c) => c.report !== null)
    .sort((a, b) => Date.parse(a.report!.period.from) - Date.parse(b.report!.period.from));
  // A chain that starts at the epoch and joins up holds every settlement so far:
  // a (listener, track) it has not seen yet had none, so it must open at zero.
  let fromEpoch = ordered[0]?.report?.period.from === EPOCH;
  ordered.forEach((c, i) => {
    const report = c.report!;
    const previous = ordered[i - 1]?.report;
    if (previous && previous.period.to !== report.period.from) {
      chain.push({
        kind: 'outside_period',
        message: `the period ${report.period.from} does not start where the one before ended (${previous.period.to})`,
      });
      fromEpoch = false;
    }
    for (const o of report.openingStates) {
      const key = `${o.listener}\n${o.trackId}`;
      const before = known.get(key) ?? (fromEpoch ? { paid: 0, owned: false } : undefined);
      const owned = o.ownedBefore || o.paidPlaysBefore >= PAID_PLAYS_TO_OWN;
      if (before && (before.paid !== o.paidPlaysBefore || before.owned !== owned)) {
        chain.push({
          kind: 'opening_state',
          listener: o.listener,
          trackId: o.trackId,
          field: 'paidPlaysBefore',
          expected: before.paid,
          actual: o.paidPlaysBefore,
          message: known.has(key)
            ? `listener ${o.listener} closed the earlier period with ${before.paid} paid plays of ${o.trackId}${before.owned ? ' (owned)' : ''}, but the report from ${report.period.from} opens with ${o.paidPlaysBefore}${owned ? ' (owned)' : ''}`
            : `listener ${o.listener} has no settlement of ${o.trackId} in the reports since ${EPOCH}, but the report from ${report.period.from} opens with ${o.paidPlaysBefore} paid plays${owned ? ' (owned)' : ''}`,
        });
      }
    }
    for (const [key, state] of c.closing) known.set(key, { ...state });
  });
  const reports = checked.map((c) => c.result);
  return { ok: chain.length === 0 && reports.every((r) => r.ok), reports, chain };
}

class ReportCheck {
  private readonly mismatches: Mismatch[] = [];
  private readonly totals = emptyTotals();
  private readonly perTrack = new Map<string, EarningsTotals>();
  private readonly claims = { freeTrack: 0, ownTrack: 0, unpaid: 0 };
  private verified = 0;
  private readonly durationOf: Map<string, number>;
  /** Per `listener\ntrack`: where the listener stood at the end of the period, after the replay. */
  readonly closingStates = new Map<string, ListenerTrackState>();

  constructor(private readonly report: EarningsReport) {
    this.durationOf = new Map(report.tracks.map((t) => [t.trackId, t.durationMs]));
  }

  run(): VerificationResult {
    const { report } = this;
    for (const t of report.tracks) this.perTrack.set(t.trackId, emptyTotals());
    // A play with a bad signature is flagged once and still replayed, so one
    // forged receipt does not shift every later index into a mismatch too.
    const listed = report.plays.filter((p) => this.checkAuthenticity(p));
    this.checkIdentities(report.plays);
    this.checkOpeningAtEpoch();
    this.recomputePrices(listed);
    this.checkTotals();
    return {
      ok: this.mismatches.length === 0,
      receipts: report.plays.length,
      verified: this.verified,
      totals: this.totals,
      claims: this.claims,
      mismatches: this.mismatches,
    };
  }

  private flag(m: Mismatch): void {
    this.mismatches.push(m);
  }

  /** The signature over the receipt, by the key the report names; the play in the period. False when the track is not listed. */
  private checkAuthenticity(p: ReportPlay): boolean {
    const r = p.signed.receipt;
    const where = { receiptId: r.id, trackId: r.trackId, listener: p.listener };
    const checked = verifySignedPlayReceipt(p.signed, p.devicePublicKey);
    if (!checked.ok) {
      this.flag({
        kind: 'bad_signature',
        message: `receipt ${r.id}: the signature does not verify with the device key given (${checked.reason})`,
        ...where,
      });
    } else {
      this.verified++;
    }
    const settled = Date.parse(p.settledAt);
    if (settled < Date.parse(this.report.period.from) || settled >= Date.parse(this.report.period.to)) {
      this.flag({
        kind: 'outside_period',
        message: `receipt ${r.id} was settled at ${p.settledAt}, outside the report's period`,
        ...where,
      });
    }
    if (!this.perTrack.has(r.trackId)) {
      this.flag({
        kind: 'unknown_track',
        message: `receipt ${r.id} is for track ${r.trackId}, which the report does not list`,
        ...where,
      });
      return false;
    }
    // The report's duration decides "short" (free); the device signed the one it played.
    // Any disagreement is flagged: a long track declared short would make every play free.
    const declared = this.durationOf.get(r.trackId)!;
    if (r.durationMs !== declared) {
      this.flag({
        kind: 'track_duration',
        field: 'durationMs',
        expected: r.durationMs,
        actual: declared,
        message: `receipt ${r.id}: the device signed a duration of ${r.durationMs} ms for track ${r.trackId}, the report declares ${declared} ms`,
        ...where,
      });
    }
    return true;
  }

  /**
   * A report from the epoch has nothing before it: every opening state is
   * zero. Otherwise a server could claim paid plays "before 1970" and charge
   * the higher steps of the ladder.
   */
  private checkOpeningAtEpoch(): void {
    if (this.report.period.from !== EPOCH) return;
    for (const o of this.report.openingStates) {
      if (o.paidPlaysBefore === 0 && !o.ownedBefore) continue;
      this.flag({
        kind: 'opening_state',
        listener: o.listener,
        trackId: o.trackId,
        field: 'paidPlaysBefore',
        expected: 0,
        actual: o.paidPlaysBefore,
        message: `the period starts at ${EPOCH}, so nothing came before it, but listener ${o.listener} opens track ${o.trackId} with ${o.paidPlaysBefore} paid plays${o.ownedBefore ? ' (owned)' : ''}`,
      });
    }
  }

  /**
   * One receipt id once, one (device, seq) once, one key per device, one
   * listener per device: otherwise a server could replay a receipt, or move
   * plays to another pseudonym to start its price ladder again.
   */
  private checkIdentities(plays: ReportPlay[]): void {
    const ids = new Set<string>();
    const seqs = new Set<string>();
    const deviceKey = new Map<string, string>();
    const deviceListener = new Map<string, string>();
    for (const p of plays) {
      const r = p.signed.receipt;
      const where = { receiptId: r.id, trackId: r.trackId, listener: p.listener };
      if (ids.has(r.id))
        this.flag({ kind: 'duplicate_receipt', message: `receipt ${r.id} appears more than once`, ...where });
      ids.add(r.id);
      const seqKey = `${r.deviceId}#${r.seq}`;
      if (seqs.has(seqKey))
        this.flag({
          kind: 'duplicate_seq',
          message: `device ${r.deviceId} seq ${r.seq} appears on two receipts`,
          ...where,
        });
      seqs.add(seqKey);
      const key = deviceKey.get(r.deviceId);
      if (key !== undefined && key !== p.devicePublicKey) {
        this.flag({
          kind: 'device_key_changed',
          message: `device ${r.deviceId} is given two different public keys`,
          ...where,
        });
      }
      deviceKey.set(r.deviceId, key ?? p.devicePublicKey);
      const listener = deviceListener.get(r.deviceId);
      if (listener !== undefined && listener !== p.listener) {
        this.flag({
          kind: 'device_listener_changed',
          message: `device ${r.deviceId} appears under two listeners (${listener}, ${p.listener})`,
          ...where,
        });
      }
      deviceListener.set(r.deviceId, listener ?? p.listener);
    }
  }

  /**
   * Version 2: a listener's settlement numbers are unique (the tracks of one
   * release purchase share theirs): two events under one number would leave
   * their order to the server's say-so.
   */
  private checkSettlementSeqs(sorted: Event[]): void {
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      if (this.report.version < 2 || eventListener(a) !== eventListener(b) || eventSeq(a) !== eventSeq(b))
        continue;
      if (a.kind === 'purchase' && b.kind === 'purchase') continue;
      const receiptId =
        b.kind === 'play'
          ? b.play.signed.receipt.id
          : a.kind === 'play'
            ? a.play.signed.receipt.id
            : undefined;
      this.flag({
        kind: 'duplicate_settlement_seq',
        message: `listener ${eventListener(b)} has two settlements numbered ${eventSeq(b)}`,
        listener: eventListener(b),
        ...(receiptId ? { receiptId } : {}),
      });
    }
  }

  /**
   * Replays each listener's history with each track in settlement order,
   * from the opening state, and decides every play and purchase again with
   * the shared pricing rules, as the server's settlement does.
   */
  private recomputePrices(plays: ReportPlay[]): void {
    const { report, durationOf } = this;
    const states = this.closingStates;
    for (const o of report.openingStates) {
      states.set(`${o.listener}\n${o.trackId}`, {
        paid: o.paidPlaysBefore,
        owned: o.ownedBefore || o.paidPlaysBefore >= PAID_PLAYS_TO_OWN,
      });
    }
    const events: Event[] = [
      ...plays.map((play): Event => ({ kind: 'play', play })),
      ...report.purchases.map((purchase): Event => ({ kind: 'purchase', purchase })),
    ];
    events.sort((a, b) => compareEvents(report.version, a, b));
    this.checkSettlementSeqs(events);
    for (const e of events) {
      const listener = e.kind === 'play' ? e.play.listener : e.purchase.listener;
      const trackId = e.kind === 'play' ? e.play.signed.receipt.trackId : e.purchase.trackId;
      const durationMs = durationOf.get(trackId);
      if (durationMs === undefined) {
        if (e.kind === 'purchase')
          this.flag({
            kind: 'unknown_track',
            message: `a purchase of track ${trackId}, which the report does not list`,
            trackId,
            listener,
          });
        continue;
      }
      const key = `${listener}\n${trackId}`;
      let state = states.get(key);
      if (!state) {
        this.flag({
          kind: 'missing_opening_state',
          message: `no opening state for listener ${listener} and track ${trackId}; assumed no earlier plays`,
          trackId,
          listener,
        });
        state = { paid: 0, owned: false };
        states.set(key, state);
      }
      if (e.kind === 'play') this.decidePlay(e.play, durationMs, state);
      else this.decidePurchase(e.purchase, durationMs, state);
    }
  }

  private decidePlay(p: ReportPlay, durationMs: number, state: ListenerTrackState): void {
    const r = p.signed.receipt;
    const where = { receiptId: r.id, trackId: r.trackId, listener: p.listener };
    const wrong = (kind: MismatchKind, field: string, expected: unknown, actual: unknown, why: string) =>
      this.flag({ kind, field, expected, actual, message: `receipt ${r.id}: ${why}`, ...where });

    // The published rule (docs/protocol.md): 45 s heard, or a short track heard to its end
    // less the 1 s the player's position reports may lag.
    const needed = heardMsNeededToCount(durationMs);
    if (r.heardMs < needed)
      wrong('not_counted', 'heardMs', `≥ ${needed}`, r.heardMs, 'too little heard for a counted play');

    let expectedPrice = 0;
    if (isShortTrack(durationMs)) {
      if (p.outcome !== 'free' || p.freeReason !== 'short')
        wrong('outcome', 'outcome', 'free (short)', describe(p), 'a track under 45 s is always free');
    } else if (p.outcome === 'paid') {
      if (state.owned) {
        wrong(
          'outcome',
          'outcome',
          'free (owned)',
          describe(p),
          `the listener already owned the track (${state.paid} paid plays)`,
        );
      } else {
        const expectedIndex = state.paid + 1;
        expectedPrice = priceOfPaidPlay(expectedIndex);
        if (p.playIndex !== expectedIndex)
          wrong(
            'play_index',
            'playIndex',
            expectedIndex,
            p.playIndex,
            `this is the listener's paid play number ${expectedIndex} of the track`,
          );
        state.paid = expectedIndex;
        if (state.paid >= PAID_PLAYS_TO_OWN) state.owned = true;
      }
    } else if (p.outcome === 'free') {
      if (p.freeReason === 'short')
        wrong(
          'outcome',
          'freeReason',
          'not short',
          'short',
          `the track is ${durationMs} ms long, not under 45 s`,
        );
      else if (p.freeReason === 'owned' && !state.owned)
        wrong(
          'outcome',
          'freeReason',
          'not owned yet',
          'owned',
          `the listener had ${state.paid} paid plays and had not bought the track`,
        );
      else if (p.freeReason === 'free_track') this.claims.freeTrack++;
      else if (p.freeReason === 'own_track') this.claims.ownTrack++;
      else if (p.freeReason === null)
        wrong('outcome', 'freeReason', 'a reason', null, 'a free play must say why');
    } else if (state.owned) {
      wrong(
        'outcome',
        'outcome',
        'free (owned)',
        'unpaid',
        `the listener already owned the track (${state.paid} paid plays): an owned track is free, never unpaid`,
      );
    } else {
      this.claims.unpaid++;
    }
    if (p.outcome !== 'free' && p.freeReason !== null)
      wrong('outcome', 'freeReason', null, p.freeReason, 'only free plays have a free reason');
    if (p.outcome !== 'paid' && p.playIndex !== null)
      wrong('play_index', 'playIndex', null, p.playIndex, 'only paid plays have a play index');
    // A play the rules say is free or unpaid costs 0; a paid one costs 2^index.
    if (p.priceThousandths !== expectedPrice)
      wrong(
        'price',
        'priceThousandths',
        expectedPrice,
        p.priceThousandths,
        `the price is ${expectedPrice} thousandths`,
      );
    this.checkSplit(
      p.priceThousandths,
      p.artistShareTenThousandths,
      p.coopShareTenThousandths,
      where,
      `receipt ${r.id}`,
    );

    addPlayToTotals(this.totals, p);
    addPlayToTotals(this.perTrack.get(r.trackId)!, p);
  }

  private decidePurchase(b: ReportPurchase, durationMs: number, state: ListenerTrackState): void {
    const where = { trackId: b.trackId, listener: b.listener };
    if (isShortTrack(durationMs) || state.owned) {
      this.flag({
        kind: 'purchase',
        message: `listener ${b.listener} bought track ${b.trackId}, which was ${state.owned ? 'already owned' : 'free (short)'}`,
        ...where,
      });
    } else {
      const expected = remainingToOwnThousandths(state.paid);
      if (b.priceThousandths !== expected) {
        this.flag({
          kind: 'price',
          field: 'priceThousandths',
          expected,
          actual: b.priceThousandths,
          message: `buying the rest after ${state.paid} paid plays costs ${expected} thousandths`,
          ...where,
        });
      }
    }
    state.owned = true;
    this.checkSplit(
      b.priceThousandths,
      b.artistShareTenThousandths,
      b.coopShareTenThousandths,
      where,
      `the purchase of ${b.trackId} by ${b.listener}`,
    );
    for (const t of [this.totals, this.perTrack.get(b.trackId)!]) {
      t.purchases++;
      t.creditsSpentThousandths += b.priceThousandths;
      t.artistShareTenThousandths += b.artistShareTenThousandths;
      t.coopShareTenThousandths += b.coopShareTenThousandths;
    }
  }

  private checkSplit(
    priceThousandths: number,
    artist: number,
    coop: number,
    where: Omit<Mismatch, 'kind' | 'message'>,
    what: string,
  ): void {
    const split = splitCharge(priceThousandths);
    if (artist !== split.artistTenThousandths) {
      this.flag({
        kind: 'split',
        field: 'artistShareTenThousandths',
        expected: split.artistTenThousandths,
        actual: artist,
        message: `${what}: the artist's 70% of ${priceThousandths} thousandths is ${split.artistTenThousandths} ten-thousandths`,
        ...where,
      });
    }
    if (coop !== split.coopTenThousandths) {
      this.flag({
        kind: 'split',
        field: 'coopShareTenThousandths',
        expected: split.coopTenThousandths,
        actual: coop,
        message: `${what}: the co-op's 30% of ${priceThousandths} thousandths is ${split.coopTenThousandths} ten-thousandths`,
        ...where,
      });
    }
  }

  private checkTotals(): void {
    for (const t of this.report.tracks) {
      for (const field of diff(this.perTrack.get(t.trackId)!, t.totals)) {
        this.flag({
          kind: 'track_totals',
          trackId: t.trackId,
          field,
          expected: this.perTrack.get(t.trackId)![field],
          actual: t.totals[field],
          message: `track ${t.trackId}: ${field} does not match its plays`,
        });
      }
    }
    for (const field of diff(this.totals, this.report.totals)) {
      this.flag({
        kind: 'totals',
        field,
        expected: this.totals[field],
        actual: this.report.totals[field],
        message: `report total ${field} does not match the plays`,
      });
    }
  }
}

function diff(recomputed: EarningsTotals, stated: EarningsTotals): Array<keyof EarningsTotals> {
  return (Object.keys(recomputed) as Array<keyof EarningsTotals>).filter((k) => recomputed[k] !== stated[k]);
}

function describe(p: ReportPlay): string {
  return p.outcome === 'free' ? `free (${p.freeReason ?? 'no reason'})` : p.outcome;
}
