import { z } from 'zod';
import { FREE_REASONS } from '../pricing';

/**
 * Answer shapes more than one route (or side) uses. Where the server and the
 * app used to disagree, the app's bounds are kept (they are what the server
 * answers; the app rejects anything else as a bad answer), and the app's
 * tolerance of older servers is kept too, each with its reason.
 */
const int = z.number().int();

export const roleSchema = z.enum(['listener', 'artist', 'admin']);
export const artistRefSchema = z.object({ id: z.string(), name: z.string() });

export const userSchema = z.object({
  id: z.string().min(1),
  email: z.string(),
  role: roleSchema,
  artists: z.array(artistRefSchema).describe('artist profiles this user holds the rights of'),
});
export const sessionSchema = z.object({ token: z.string().min(16), expiresAt: int, user: userSchema });

export const walletBriefSchema = z.object({
  balanceThousandths: int.min(0),
  reservedThousandths: int.min(0),
  version: int,
});

export const walletSchema = z.object({
  balanceThousandths: int,
  reservedThousandths: int.describe('sum of device allowances'),
  availableThousandths: int,
  allowances: z.array(z.object({ deviceId: z.string(), allowanceThousandths: int })),
  version: int,
});

/** One spelling of the free reasons, the pricing's own. */
export const freeReasonSchema = z.enum(FREE_REASONS);

export const settledResultSchema = z.object({
  index: int.describe('position in the request'),
  id: z.string(),
  status: z.literal('settled'),
  duplicate: z.boolean().describe('settled by an earlier request; this is the original answer'),
  outcome: z.enum(['paid', 'free', 'unpaid']),
  freeReason: freeReasonSchema.nullable(),
  playIndex: int.min(1).max(9).nullable().describe('1…9 for paid plays: the server-decided n-th paid play'),
  priceThousandths: int.min(0).max(512),
  owned: z.boolean().describe('the track is owned after this play'),
});

/** All final except retry_later (src/server/settlement/batch-types.ts). A time window or a reused seq is settled, not rejected. */
export const BATCH_REJECT_REASONS = [
  'malformed',
  'unknown_device',
  'device_not_yours',
  'device_revoked',
  'bad_signature',
  'unknown_track',
  'not_counted',
  'conflict',
  'retry_later',
] as const;

export const rejectedResultSchema = z.object({
  index: int,
  id: z.string().nullable(),
  status: z.literal('rejected'),
  // The app keeps reasons a later server may add as text: a rejection is final whatever it says.
  reason: z.string().describe(`one of ${BATCH_REJECT_REASONS.join(', ')}`),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const receiptsAnswerSchema = z.object({
  results: z.array(z.discriminatedUnion('status', [settledResultSchema, rejectedResultSchema])),
  wallet: walletBriefSchema,
  allowanceThousandths: int.min(0).describe('the allowance of the posting device after this batch (renewed)'),
});

export const trackSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  title: z.string(),
  trackNumber: int,
  durationMs: int.min(1),
  status: z.enum(['paid', 'free']),
  artistId: z.string(),
  artistName: z.string(),
  releaseId: z.string(),
  releaseTitle: z.string(),
  hasAudio: z.boolean(),
  published: z
    .boolean()
    // Older servers omit it: the app takes their tracks as published.
    .default(true)
    .describe('false once its release was unpublished: drop it from the catalog; owners keep playing it'),
  version: int.describe('catalog version of the last change to this track'),
});

export const playCountSchema = z.object({
  trackId: z.string(),
  paidPlays: int.min(0).max(9),
  totalPlays: int.min(0),
  paidThousandths: int.min(0),
  owned: z.boolean(),
  ownedAt: int.nullable(),
});

export const pullAnswerSchema = z.object({
  cursor: z.string().min(1).max(1000),
  wallet: walletBriefSchema.extend({ availableThousandths: int }),
  allowanceThousandths: int.min(0),
  deviceRevoked: z.boolean(),
  playCounts: z.array(playCountSchema).describe('tracks whose counts or ownership changed since the cursor'),
  catalog: z.object({
    tracks: z.array(trackSchema),
    complete: z.boolean().describe('false: call again with the new cursor for more'),
  }),
});

export const purchaseAnswerSchema = z.object({
  transferId: z.string(),
  duplicate: z.boolean(),
  tracks: z.array(z.object({ trackId: z.string(), paidThousandths: int.min(0) })),
  totalThousandths: int.min(0),
  balanceThousandths: int.min(0),
});

export const deviceSchema = z.object({
  id: z.string(),
  publicKey: z.string(),
  revokedAt: int.nullable(),
  // The app reads only id, publicKey, revokedAt and lastSeq; older servers omit lastSeq and the
  // fields below, so they stay optional here.
  lastSeq: int.min(0).optional().describe('highest receipt seq seen from this device'),
  name: z.string().optional(),
  createdAt: int.optional(),
  allowanceThousandths: int.optional().describe('offline allowance reserved for this device'),
  allowanceFrozenUntil: int
    .nullable()
    .optional()
    .describe(
      'revoked or released: the allowance stays reserved for its receipts until then (or until they are all in)',
    ),
  seqGaps: z.array(z.object({ fromSeq: int, toSeq: int, detectedAt: int })).optional(),
});

export const uploadViewSchema = z.object({
  id: z.string(),
  releaseId: z.string(),
  fileName: z.string(),
  title: z.string().nullable(),
  trackNumber: int.nullable(),
  status: z.enum(['paid', 'free']).describe('the track status it gets when published'),
  size: int,
  offset: int.describe('bytes received; the next PATCH starts here'),
  state: z.enum(['receiving', 'accepted', 'rejected']),
  rejectReason: z.string().nullable(),
  durationMs: int.nullable(),
  mime: z.string().nullable(),
  trackId: z.string().nullable(),
});

/** One row of an artist's earnings (the server's read model, the app's Earnings view). */
export const earningsRowSchema = z.object({
  /** A track id (groupBy track) or a period: `2026-03-14`, `2026-03`, `2026`. */
  key: z.string(),
  /** The track's title (groupBy track). */
  title: z.string().optional(),
  totalPlays: int,
  paidPlays: int,
  freePlays: int,
  /** Counted, but the listener's wallet could not cover it: nobody was charged or credited. */
  unpaidPlays: int,
  /** What listeners spent (paid plays and "buy the rest"), thousandths of a credit. */
  spentThousandths: int,
  artistShareTenThousandths: int,
  coopShareTenThousandths: int,
  playSpentThousandths: int.describe('what the paid plays brought, thousandths'),
  playArtistShareTenThousandths: int,
  purchases: int.describe('tracks bought with "buy the rest" (each track of a release bought counts)'),
  purchaseSpentThousandths: int,
  purchaseArtistShareTenThousandths: int,
});

/** An artist's side of the membership answer: earnings towards the year's threshold. */
export const membershipArtistSchema = z.object({
  member: z.boolean(),
  earnedTenThousandths: int,
  thresholdTenThousandths: int,
  earnedEuros: z.string(),
  thresholdEuros: z.string(),
  progressPercent: int,
});

export const releaseStatusSchema = z.enum(['draft', 'published', 'unpublished']);

export const releaseViewSchema = z.object({
  id: z.string(),
  artistId: z.string(),
  title: z.string(),
  status: releaseStatusSchema,
  uploads: z.array(uploadViewSchema),
  tracks: z.array(trackSchema),
});
