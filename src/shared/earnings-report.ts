import { z } from 'zod';
import { PAID_PLAYS_TO_OWN, PRICE_TO_OWN_THOUSANDTHS } from './pricing';
import { base64UrlSchema, coopTrackIdSchema, isoInstantSchema, signedPlayReceiptSchema } from './receipt';

/**
 * The earnings report an artist downloads from the sync server for a period:
 * per-track totals, and every settled play behind them **as the listener's
 * device signed it**, with the server's decision about it (play index, price,
 * artist and co-op share). Pseudonymous: a listener appears only as a
 * pseudonym, so play indexes can be recomputed per listener and track
 * without saying who listened.
 *
 * The server produces exactly this schema; `src/node/report-verifier.ts`
 * (CLI `verify-report`) checks it without trusting the server. The format is
 * specified in `docs/earnings-report.md`; keep the two in step.
 *
 * Money is integers: credits in thousandths, shares in ten-thousandths.
 */

export const EARNINGS_REPORT_FORMAT = 'resonate/earnings-report';
/**
 * 2: every play and purchase carries `settlementSeq`, the listener's
 * settlement sequence number (the order the server decided them in).
 * Version 1 reports (without it) are still read and verified in the old
 * order (settledAt, countedAt, seq, id).
 */
export const EARNINGS_REPORT_VERSION = 2;
/**
 * 3: bound to the public transparency log (docs/transparency-log.md): the
 * report names the signed checkpoint it covers (`log.checkpoint`, every
 * leaf of the period is below its size) and each play carries `leafIndex`,
 * its leaf in that log; an auditor recomputes the artist's plays and totals
 * from the log's leaves (`src/shared/report-log.ts`). A server with its log
 * on exports version 3.
 */
export const EARNINGS_REPORT_LOG_VERSION = 3;

/**
 * A listener pseudonym: the same listener is the same pseudonym throughout a
 * report. Made per report, or stable across one artist's reports (e.g. an
 * HMAC of the account id and artist id under a server secret) so that
 * consecutive reports can be verified as a chain; never an account id.
 */
export const listenerPseudonymSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 characters of A–Z, a–z, 0–9, _ or -');

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const thousandths = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const price = z.number().int().min(0).max(PRICE_TO_OWN_THOUSANDTHS);
const settlementSeq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const earningsTotalsSchema = z
  .object({
    /** Counted plays (every settled receipt): paid + free + unpaid. */
    plays: count,
    paidPlays: count,
    /** Free: short track, owned, marked free by the rightsholder, or the rightsholder's own play. */
    freePlays: count,
    /** Counted but not charged: the listener's wallet could not cover it; nobody was credited. */
    unpaidPlays: count,
    /** "Buy the rest" purchases. */
    purchases: count,
    /** What listeners spent: paid plays plus purchases. */
    creditsSpentThousandths: thousandths,
    artistShareTenThousandths: thousandths,
    coopShareTenThousandths: thousandths,
  })
  .strict();
export type EarningsTotals = z.infer<typeof earningsTotalsSchema>;

export const reportTrackSchema = z
  .object({
    trackId: coopTrackIdSchema,
    title: z.string().max(1000),
    /** The catalog's duration, which decides "short" (under 45 s: always free), not the device's. */
    durationMs: z.number().int().min(1),
    totals: earningsTotalsSchema,
  })
  .strict();
export type ReportTrack = z.infer<typeof reportTrackSchema>;

/**
 * Where a listener stood with a track when the period began, so the indexes
 * of the period's paid plays can be recomputed: paid plays so far, and
 * whether the track was owned (nine paid plays, or "buy the rest").
 */
export const openingStateSchema = z
  .object({
    listener: listenerPseudonymSchema,
    trackId: coopTrackIdSchema,
    paidPlaysBefore: z.number().int().min(0).max(PAID_PLAYS_TO_OWN),
    ownedBefore: z.boolean(),
  })
  .strict();
export type OpeningState = z.infer<typeof openingStateSchema>;

export const playOutcomeSchema = z.enum(['paid', 'free', 'unpaid']);
export const freeReasonSchema = z.enum(['short', 'owned', 'free_track', 'own_track']);

export const reportPlaySchema = z
  .object({
    listener: listenerPseudonymSchema,
    /** Exactly what the device sent: the receipt v1 and its Ed25519 signature (docs/protocol.md). */
    signed: signedPlayReceiptSchema,
    /** The device's registered public key, base64url of 32 bytes. */
    devicePublicKey: base64UrlSchema.length(43),
    /** When the server settled the play; the period is by settlement time. */
    settledAt: isoInstantSchema,
    /**
     * Version 2: the listener's settlement sequence number (1, 2, … over all
     * their plays and purchases, every artist), given under the listener's
     * wallet lock. A listener's plays and purchases are decided in this order.
     */
    settlementSeq: settlementSeq.optional(),
    /** Version 3: the play's leaf index in the public log. */
    leafIndex: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    outcome: playOutcomeSchema,
    /** Set exactly when the outcome is `free`. */
    freeReason: freeReasonSchema.nullable(),
    /** The listener's n-th paid play of this track (1…9); null unless paid. */
    playIndex: z.number().int().min(1).max(PAID_PLAYS_TO_OWN).nullable(),
    priceThousandths: price,
    artistShareTenThousandths: thousandths,
    coopShareTenThousandths: thousandths,
  })
  .strict();
export type ReportPlay = z.infer<typeof reportPlaySchema>;

/** "Buy the rest": the listener paid what was left of 1022 thousandths at once and owns the track. */
export const reportPurchaseSchema = z
  .object({
    listener: listenerPseudonymSchema,
    trackId: coopTrackIdSchema,
    settledAt: isoInstantSchema,
    /** Version 2: as for a play; the tracks of one release purchase share it. */
    settlementSeq: settlementSeq.optional(),
    priceThousandths: price,
    artistShareTenThousandths: thousandths,
    coopShareTenThousandths: thousandths,
  })
  .strict();
export type ReportPurchase = z.infer<typeof reportPurchaseSchema>;

export const earningsReportSchema = z
  .object({
    format: z.literal(EARNINGS_REPORT_FORMAT),
    version: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    generatedAt: isoInstantSchema,
    /** Settlements in [from, to). */
    period: z.object({ from: isoInstantSchema, to: isoInstantSchema }).strict(),
    artist: z.object({ id: z.string().min(1).max(128), name: z.string().max(1000) }).strict(),
    tracks: z.array(reportTrackSchema),
    openingStates: z.array(openingStateSchema),
    /** By settledAt; a listener's own plays in settlement order (v2: settlementSeq; v1: settledAt, countedAt, device seq, receipt id). */
    plays: z.array(reportPlaySchema),
    purchases: z.array(reportPurchaseSchema),
    totals: earningsTotalsSchema,
    /** Version 3: the log checkpoint (C2SP signed note) the report covers; every play's leaf is below its size. */
    log: z
      .object({
        checkpoint: z
          .string()
          .min(1)
          .max(64 * 1024),
        size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((report, ctx) => {
    // Version 3 names its checkpoint and every play's leaf; earlier versions neither.
    const bound = report.version >= 3;
    if ((report.log !== undefined) !== bound)
      ctx.addIssue({
        code: 'custom',
        path: ['log'],
        message: bound ? 'required in version 3' : 'only in version 3',
      });
    report.plays.forEach((play, i) => {
      if ((play.leafIndex !== undefined) !== bound)
        ctx.addIssue({
          code: 'custom',
          path: ['plays', i, 'leafIndex'],
          message: bound ? 'required in version 3' : 'only in version 3',
        });
      else if (bound && report.log && play.leafIndex! >= report.log.size)
        ctx.addIssue({
          code: 'custom',
          path: ['plays', i, 'leafIndex'],
          message: 'not below the checkpoint size',
        });
    });
    // Version 2 has settlementSeq on every play and purchase; version 1 on none.
    const want = report.version >= 2;
    const check = (items: Array<{ settlementSeq?: number }>, name: 'plays' | 'purchases') =>
      items.forEach((item, i) => {
        if ((item.settlementSeq !== undefined) !== want) {
          ctx.addIssue({
            code: 'custom',
            path: [name, i, 'settlementSeq'],
            message: want ? `required in version ${report.version}` : 'not part of version 1',
          });
        }
      });
    check(report.plays, 'plays');
    check(report.purchases, 'purchases');
    // One entry per track and per (listener, track): a second one would let the report say two things at once.
    const unique = <T>(
      items: T[],
      name: 'tracks' | 'openingStates',
      key: (item: T) => string,
      what: string,
    ) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        const k = key(item);
        if (seen.has(k))
          ctx.addIssue({ code: 'custom', path: [name, i], message: `a second entry for ${what}` });
        seen.add(k);
      });
    };
    unique(report.tracks, 'tracks', (t) => t.trackId, 'the same track');
    unique(
      report.openingStates,
      'openingStates',
      (o) => `${o.listener}\n${o.trackId}`,
      'the same listener and track',
    );
  });
export type EarningsReport = z.infer<typeof earningsReportSchema>;

/**
 * The order of the report's plays: settlement time, then the settlement
 * sequence (v2), counted-at time, device seq, receipt id. Within one
 * listener the verifier orders by `settlementSeq` alone when it is there
 * (`compareListenerOrder`): clocks of several instances may disagree.
 */
export function compareSettlementOrder(a: ReportPlay, b: ReportPlay): number {
  const ra = a.signed.receipt;
  const rb = b.signed.receipt;
  return (
    Date.parse(a.settledAt) - Date.parse(b.settledAt) ||
    (a.settlementSeq ?? 0) - (b.settlementSeq ?? 0) ||
    Date.parse(ra.countedAt) - Date.parse(rb.countedAt) ||
    ra.seq - rb.seq ||
    (ra.id < rb.id ? -1 : ra.id > rb.id ? 1 : 0)
  );
}

export function emptyTotals(): EarningsTotals {
  return {
    plays: 0,
    paidPlays: 0,
    freePlays: 0,
    unpaidPlays: 0,
    purchases: 0,
    creditsSpentThousandths: 0,
    artistShareTenThousandths: 0,
    coopShareTenThousandths: 0,
  };
}

/** Counts one play into totals: the one rule the server's report and the verifier both sum by. */
export function addPlayToTotals(
  totals: EarningsTotals,
  play: Pick<
    ReportPlay,
    'outcome' | 'priceThousandths' | 'artistShareTenThousandths' | 'coopShareTenThousandths'
  >,
): void {
  totals.plays++;
  if (play.outcome === 'paid') totals.paidPlays++;
  else if (play.outcome === 'free') totals.freePlays++;
  else totals.unpaidPlays++;
  totals.creditsSpentThousandths += play.priceThousandths;
  totals.artistShareTenThousandths += play.artistShareTenThousandths;
  totals.coopShareTenThousandths += play.coopShareTenThousandths;
}
