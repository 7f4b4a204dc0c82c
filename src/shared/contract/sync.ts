import { z } from 'zod';
import { call, event } from './define';
import { coopTrackIdSchema, walletSummarySchema } from './wallet';

/**
 * The co-op account, the sync engine, downloads for offline, and the calls
 * that ask the sync server directly (vouchers, purchases, ledger,
 * membership). Amounts are integers: thousandths of a credit, except where a
 * field says ten-thousandths. The renderer shows these states; the main
 * process owns the session token and never hands it out.
 */

const thousandths = z.number().int().min(0);
const epochMs = z.number().int();

export const accountStatusSchema = z.object({
  signedIn: z.boolean(),
  email: z.string().nullable(),
  userId: z.string().nullable(),
  role: z.enum(['listener', 'artist', 'admin']).nullable(),
  /** Artist profiles this user holds the rights of (their own tracks play free). */
  artists: z.array(z.object({ id: z.string(), name: z.string() })),
  /** The sync server in use: the `syncServerUrl` setting, or the bundled one's loopback URL once started. */
  serverUrl: z.string().nullable(),
  /** True when no server URL is set and the app runs its own co-op node on loopback. */
  bundledServer: z.boolean(),
  /** This device's id in play receipts, and whether the signed-in account knows its key. */
  deviceId: z.string(),
  deviceRegistered: z.boolean(),
});
export type AccountStatus = z.infer<typeof accountStatusSchema>;

export const syncStateNameSchema = z.enum([
  'signed_out', // no account on this device: plays of downloaded tracks still count against the cached allowance
  'syncing', // a sync is running
  'online', // the last sync succeeded
  'offline', // the server could not be reached (or timed out); retrying with backoff
  'error', // the server answered with an error or garbage, or the session expired (see lastError)
]);
export type SyncStateName = z.infer<typeof syncStateNameSchema>;

export const syncStatusSchema = z.object({
  state: syncStateNameSchema,
  lastSyncAtMs: epochMs.nullable(),
  lastAttemptAtMs: epochMs.nullable(),
  /** When the next automatic attempt is due (null: none scheduled). */
  nextAttemptAtMs: epochMs.nullable(),
  consecutiveFailures: z.number().int().min(0),
  /** `code` is one of: network, timeout, server_error, bad_response, unauthenticated, device_revoked, other. */
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Signed receipts waiting in the outbox. */
  pendingReceipts: z.number().int().min(0),
  /** Charges made on this device that the server has not settled yet. */
  pendingThousandths: thousandths,
  /** The offline allowance the server reserved for this device (null before the first sync). */
  allowanceThousandths: thousandths.nullable(),
  /** What this device may still spend now: allowance (or cached balance) − pending. */
  spendableThousandths: thousandths,
  balanceThousandths: thousandths,
  /** Corrections recorded so far that the user has not dismissed. */
  unseenCorrections: z.number().int().min(0),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const correctionSchema = z.object({
  id: z.number().int(),
  receiptId: z.string(),
  trackId: z.string(),
  title: z.string(),
  /**
   * price: the server charged another price than this device estimated;
   * unpaid: the device charged it, the wallet could not cover it, the server recorded it unpaid (nobody paid);
   * rejected: the server refused the receipt (reason says why); the local charge was not taken.
   */
  kind: z.enum(['price', 'unpaid', 'rejected']),
  estimatedThousandths: thousandths,
  actualThousandths: thousandths,
  reason: z.string().nullable(),
  createdAtMs: epochMs,
});
export type Correction = z.infer<typeof correctionSchema>;

export const downloadEntrySchema = z.object({
  trackId: coopTrackIdSchema,
  title: z.string(),
  artist: z.string(),
  sizeBytes: z.number().int().min(0),
  pinned: z.boolean(),
  owned: z.boolean(),
  lastUsedAtMs: epochMs,
});
export type DownloadEntry = z.infer<typeof downloadEntrySchema>;

export const downloadsStatusSchema = z.object({
  usedBytes: z.number().int().min(0),
  limitBytes: z.number().int().min(0),
  pinnedBytes: z.number().int().min(0),
  /** Pinned downloads alone exceed the limit: nothing more can be evicted. */
  overLimit: z.boolean(),
  entries: z.array(downloadEntrySchema),
});
export type DownloadsStatus = z.infer<typeof downloadsStatusSchema>;

const credentials = z.object({ email: z.email().max(254), password: z.string().min(8).max(200) }).strict();

/** A one-time token the main process issued with a quote; a purchase presents it (wallet.quote). */
export const quoteTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32,128}$/);

export const purchaseQuoteSchema = z.object({
  quoteToken: quoteTokenSchema,
  kind: z.enum(['track', 'release']),
  /** The track id (buy the rest) or the release id. */
  itemId: z.string(),
  title: z.string(),
  /** What the purchase will charge, as this device knows it (the server has the last word). */
  priceThousandths: thousandths,
  /** Wall clock, ms: the token is refused after this. */
  expiresAtMs: z.number().int(),
});

export const purchaseResultSchema = z.object({
  tracks: z.array(z.object({ trackId: z.string(), paidThousandths: thousandths })),
  totalThousandths: thousandths,
  balanceThousandths: thousandths,
  /** The same purchase had been made before (a retried request): nothing was charged again. */
  duplicate: z.boolean(),
  wallet: walletSummarySchema,
});

export const ledgerEntrySchema = z.object({
  id: z.number().int(),
  transferId: z.string(),
  /** e.g. play, purchase, top_up, voucher (the server's transfer kinds). */
  kind: z.string(),
  receiptId: z.string().nullable(),
  trackId: z.string().nullable(),
  /** Signed: negative is a debit of the wallet. */
  amountThousandths: z.number().int(),
  createdAtMs: epochMs,
});

const membershipPartSchema = z.object({
  member: z.boolean(),
  /** Whole percent of the threshold reached, 0…100. */
  progressPercent: z.number().int().min(0).max(100),
  thresholdEuros: z.string(),
});
export const membershipSchema = z.object({
  year: z.number().int(),
  listener: membershipPartSchema.extend({
    spentThousandths: z.number().int(),
    thresholdThousandths: z.number().int(),
    spentEuros: z.string(),
  }),
  artist: membershipPartSchema
    .extend({
      earnedTenThousandths: z.number().int(),
      thresholdTenThousandths: z.number().int(),
      earnedEuros: z.string(),
    })
    .nullable(),
});

export const syncCalls = {
  'account.status': call('The co-op account on this device.', z.object({}).strict(), accountStatusSchema),
  'account.signUp': call(
    'Creates a listener account on the sync server, signs in, and registers this device. Errors: conflict (email taken), unavailable (server unreachable).',
    credentials,
    accountStatusSchema,
  ),
  'account.signIn': call(
    'Signs in and registers this device on first sign-in. Errors: forbidden (wrong email or password), unavailable.',
    credentials.extend({ password: z.string().min(1).max(200) }),
    accountStatusSchema,
  ),
  'account.signOut': call(
    'Sends pending receipts if it can, then forgets the session. Receipts that could not be sent stay in the outbox for the next sign-in of the same account.',
    z.object({}).strict(),
    accountStatusSchema,
  ),
  'sync.status': call(
    'The sync engine: state, last sync, pending receipts, allowance left.',
    z.object({}).strict(),
    syncStatusSchema,
  ),
  'sync.now': call(
    'Syncs now (push receipts, pull changes) and answers the status after it; never fails for a server problem, the status says.',
    z.object({}).strict(),
    syncStatusSchema,
  ),
  'sync.corrections': call(
    "Corrections the server made to this device's charges, newest first. `markSeen` clears the unseen count.",
    z
      .object({ limit: z.number().int().min(1).max(500).default(100), markSeen: z.boolean().default(false) })
      .strict(),
    z.object({ corrections: z.array(correctionSchema) }),
  ),
  'coop.download': call(
    'Downloads a co-op track for offline play (optionally pinned: never evicted). Errors: unavailable (signed out, offline, no audio).',
    z.object({ trackId: coopTrackIdSchema, pin: z.boolean().default(false) }).strict(),
    downloadEntrySchema,
  ),
  'coop.removeDownload': call(
    'Deletes a downloaded track from this device.',
    z.object({ trackId: coopTrackIdSchema }).strict(),
    z.object({ removed: z.boolean() }),
  ),
  'coop.pin': call(
    'Pins (never evicted) or unpins a downloaded track.',
    z.object({ trackId: coopTrackIdSchema, pinned: z.boolean() }).strict(),
    downloadEntrySchema,
  ),
  'downloads.status': call(
    'Downloads on this device: usage, limit, entries by last use.',
    z.object({}).strict(),
    downloadsStatusSchema,
  ),
  'downloads.setLimit': call(
    'Sets the download cache limit; unpinned downloads are evicted, least recently played first, to fit.',
    z.object({ limitBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict(),
    downloadsStatusSchema,
  ),
  'wallet.redeemVoucher': call(
    'Redeems a voucher code on the server. Errors: conflict (already redeemed), not_found (no such code), unavailable.',
    z.object({ code: z.string().trim().min(4).max(64) }).strict(),
    z.object({
      creditedThousandths: thousandths,
      balanceThousandths: thousandths,
      wallet: walletSummarySchema,
    }),
  ),
  'wallet.quote': call(
    'Step one of a purchase: the main process states the price of buying the rest of a track or of a release, with a one-time token valid for 2 minutes that the purchase call must present. Errors: not_found, conflict (nothing to buy, unpublished).',
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('track'), trackId: coopTrackIdSchema }).strict(),
      z.object({ kind: z.literal('release'), releaseId: coopTrackIdSchema }).strict(),
    ]),
    purchaseQuoteSchema,
  ),
  'wallet.buyRest': call(
    'Buys the rest of a track (1.022 credits minus what was paid) and owns it, presenting the token of a wallet.quote for it. Errors: forbidden (no valid quote, or not enough credits), conflict (nothing to buy, the price changed), unavailable.',
    z.object({ trackId: coopTrackIdSchema, quoteToken: quoteTokenSchema }).strict(),
    purchaseResultSchema,
  ),
  'wallet.buyRelease': call(
    'Buys the rest of every track of a release not owned yet, all or nothing, presenting the token of a wallet.quote for it. Errors as wallet.buyRest.',
    z.object({ releaseId: coopTrackIdSchema, quoteToken: quoteTokenSchema }).strict(),
    purchaseResultSchema,
  ),
  'wallet.ledger': call(
    'The server ledger of the wallet, newest first; page with `before` (the previous nextBefore). Needs the server.',
    z
      .object({
        limit: z.number().int().min(1).max(500).default(100),
        before: z.number().int().min(1).optional(),
      })
      .strict(),
    z.object({ entries: z.array(ledgerEntrySchema), nextBefore: z.number().int().nullable() }),
  ),
  'wallet.membership': call(
    'Co-op membership status and progress for a year (default: this year). Needs the server.',
    z.object({ year: z.number().int().min(2000).max(9999).optional() }).strict(),
    membershipSchema,
  ),
  'coop.trackDetails': call(
    'Server-side facts of a cached co-op track: its release (for wallet.buyRelease), whether it has audio, whether it is downloaded.',
    z.object({ trackId: coopTrackIdSchema }).strict(),
    z.object({
      trackId: z.string(),
      releaseId: z.string().nullable(),
      releaseTitle: z.string().nullable(),
      artistId: z.string().nullable(),
      hasAudio: z.boolean(),
      download: downloadEntrySchema.nullable(),
      /** What buying the rest of the whole release costs, as this device knows it (the sum of its tracks' remaining cost to own); null without a release. */
      releaseRemainingToOwnThousandths: thousandths.nullable(),
    }),
  ),
};

export const syncEvents = {
  'sync.status': event(
    'The sync state changed (started, finished, failed, pending receipts or allowance changed).',
    syncStatusSchema,
  ),
  'sync.correction': event(
    "The server settled a receipt differently from this device's estimate; show it plainly.",
    correctionSchema,
  ),
  'account.changed': event('Signed in, signed out, or this device was registered.', accountStatusSchema),
};
