import { z } from 'zod';
import { FREE_REASONS } from '../pricing';
import { call, event } from './define';

/**
 * Stream to own, as the renderer sees it: the wallet, the co-op catalog as
 * cached on this device, the Collection (owned tracks) and the History of
 * counted plays. Every amount is an integer in thousandths of a credit
 * (`formatCredits` in `src/shared/pricing.ts` shows it). The renderer shows
 * these states; it never computes a charge.
 */

const thousandths = z.number().int().min(0);
const epochMs = z.number().int();

/** A co-op track id (the server's), also a media path segment. */
export const coopTrackIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1–128 of A–Z a–z 0–9 _ -');

/**
 * Why a play costs nothing, spelled as the server says it (`FreeReason` in
 * src/shared/pricing.ts): 'short' (under 45 s: always free), 'owned' (nine
 * paid plays, or bought: free forever), 'own_track' (the user is the track's
 * rightsholder), 'free_track' (the rightsholder marked it free).
 */
export const freeReasonSchema = z.enum(FREE_REASONS);
export type FreeReason = z.infer<typeof freeReasonSchema>;

/** A co-op track's stream-to-own state for this listener, as far as this device knows. */
export const stream2OwnStateSchema = z.object({
  /** Paid plays so far, 0…9: the nine steps in track rows. */
  paidPlays: z.number().int().min(0).max(9),
  owned: z.boolean(),
  /** Non-null when the next play is free, and why. */
  freeReason: freeReasonSchema.nullable(),
  /** What the next counted play will cost (0 when free). */
  nextPriceThousandths: thousandths,
  /** "Buy the rest": what is left to pay to own it (0 when owned or free). */
  remainingToOwnThousandths: thousandths,
  /** True when the spendable balance does not cover the next play: it will be a 45-second preview. */
  previewOnly: z.boolean(),
  /** Counted plays on this device, paid or free. */
  countedPlays: z.number().int().min(0),
});
export type Stream2OwnState = z.infer<typeof stream2OwnStateSchema>;

export const coopTrackSchema = z.object({
  id: coopTrackIdSchema,
  title: z.string(),
  artist: z.string(),
  album: z.string().nullable(),
  durationMs: z.number().int().min(1),
  /** `free`: the rightsholder gives it away. */
  status: z.enum(['paid', 'free']),
  /** The rightsholder (artist or label) that earns 70% of each charge. */
  rightsholder: z.string(),
  /** The user is this track's rightsholder (an artist previewing their own release). */
  isOwn: z.boolean(),
  /** The audio is on this device. */
  downloaded: z.boolean(),
  stream2own: stream2OwnStateSchema,
});
export type CoopTrack = z.infer<typeof coopTrackSchema>;

export const walletSummarySchema = z.object({
  /** The balance as the server last reported it. */
  balanceThousandths: thousandths,
  /** When the server reported it; null before the first sync. */
  balanceAsOfMs: epochMs.nullable(),
  /** The device's offline allowance from the server; null until sync provides one (the balance is used instead). */
  allowanceThousandths: thousandths.nullable(),
  /** Charges made on this device that the server has not settled yet. */
  pendingThousandths: thousandths,
  /** What this device may still spend: (allowance or balance) − pending, never below 0. */
  spendableThousandths: thousandths,
  /** Spendable is below the low-balance mark: the header shows a warning. */
  lowBalance: z.boolean(),
  lowBalanceThresholdThousandths: thousandths,
  /** Signed play receipts waiting in the outbox for the server. */
  unsentReceipts: z.number().int().min(0),
  /** This device's id in play receipts. */
  deviceId: z.string(),
});
export type WalletSummary = z.infer<typeof walletSummarySchema>;

export const playOutcomeSchema = z.enum([
  'charged', // a paid play: the price was charged
  'free', // counted, no charge (see freeReason)
  'preview', // the balance did not cover the price: 45 s preview, playback stopped, no charge
]);
export type PlayOutcome = z.infer<typeof playOutcomeSchema>;

export const historyEntrySchema = z.object({
  id: z.number().int(),
  trackId: coopTrackIdSchema,
  title: z.string(),
  artist: z.string(),
  outcome: playOutcomeSchema,
  freeReason: freeReasonSchema.nullable(),
  /** 1…9 for a paid play (or the play a preview would have been). */
  paidPlayNumber: z.number().int().min(1).max(9).nullable(),
  chargeThousandths: thousandths,
  /** The price a preview would have cost; equal to the charge otherwise. */
  priceThousandths: thousandths,
  heardMs: z.number().int().min(0),
  sessionStartedAtMs: epochMs,
  countedAtMs: epochMs,
  /** The signed receipt's id; null for previews (they send none). */
  receiptId: z.string().nullable(),
  /** The server has settled the charge. */
  settled: z.boolean(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const walletCalls = {
  'wallet.get': call('The wallet as this device knows it.', z.object({}).strict(), walletSummarySchema),
  'wallet.history': call(
    'Counted plays and previews of co-op tracks with their charges, newest first; page with beforeId.',
    z
      .object({
        limit: z.number().int().min(1).max(500).default(100),
        /** Answer entries older than this id (the previous page's nextBeforeId). */
        beforeId: z.number().int().min(1).optional(),
      })
      .strict(),
    z.object({ entries: z.array(historyEntrySchema), nextBeforeId: z.number().int().nullable() }),
  ),
  'wallet.collection': call(
    'The Collection: co-op tracks the listener owns, by artist and title.',
    z.object({}).strict(),
    z.object({ tracks: z.array(coopTrackSchema) }),
  ),
  'coop.tracks': call(
    "The co-op catalog cached on this device, with each track's stream-to-own state; optionally filtered by text in title, artist or album.",
    z
      .object({
        query: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    z.object({ tracks: z.array(coopTrackSchema), total: z.number().int().min(0) }),
  ),
};

export const walletEvents = {
  'wallet.changed': event('The wallet changed: a charge, a sync, a new balance.', walletSummarySchema),
};
