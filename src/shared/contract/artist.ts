import { z } from 'zod';
// The answers module only: the route modules import src/shared/receipt and its canonicalize package,
// which the sandboxed preload (it bundles zod alone) could not load.
import {
  artistRefSchema,
  earningsRowSchema as wireEarningsRowSchema,
  membershipArtistSchema,
  releaseStatusSchema,
  trackSchema,
} from '../server-api/answers';
import { call, event } from './define';

/**
 * For artists who are signed in to the co-op: their artist profiles,
 * earnings (per track or per period) with CSV export, membership as an
 * artist, the audit report (written to a file and verified here), and
 * publishing a release draft (`release.*`) to the co-op with resumable
 * uploads. Money is integers: credits in thousandths, shares in
 * ten-thousandths (as the server books them); the renderer only formats.
 */

const int = z.number().int();
const artistIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
const serverIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
const draftIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** Epoch ms; `from` inclusive, `to` exclusive. */
const instant = int.min(0).max(8.64e15);

export const artistProfileSchema = artistRefSchema;
export type ArtistProfile = z.infer<typeof artistProfileSchema>;

export const earningsGroupBySchema = z.enum(['track', 'day', 'month', 'year']);
export type EarningsGroupBy = z.infer<typeof earningsGroupBySchema>;

/** The server's earnings figures (src/shared/server-api/answers.ts), as integers: plays, credits, shares. */
export const earningsFiguresSchema = wireEarningsRowSchema.omit({ key: true, title: true });
export type EarningsFigures = z.infer<typeof earningsFiguresSchema>;

/** The server's row, its title null when it has none (groupBy a period). */
export const earningsRowSchema = wireEarningsRowSchema.extend({ title: z.string().nullable() });
export type EarningsRow = z.infer<typeof earningsRowSchema>;

const rangeInput = { artistId: artistIdSchema, from: instant.optional(), to: instant.optional() };

export const earningsInputSchema = z
  .object({ ...rangeInput, groupBy: earningsGroupBySchema.default('track') })
  .strict();

export const earningsSchema = z.object({
  artistId: z.string(),
  groupBy: earningsGroupBySchema,
  rows: z.array(earningsRowSchema),
  totals: earningsFiguresSchema,
  /**
   * Previews that did not count (heard less than 45 s) are never sent to the
   * server and the server keeps no record of them: null, with `previewsNote`.
   */
  previewsNotCounted: int.nullable(),
  previewsNote: z.string(),
});
export type Earnings = z.infer<typeof earningsSchema>;

export const artistMembershipSchema = z.object({
  year: int,
  /** Null: the account holds no artist profile. */
  artist: membershipArtistSchema.extend({ progressPercent: int.min(0).max(100) }).nullable(),
});
export type ArtistMembership = z.infer<typeof artistMembershipSchema>;

const reportTotalsSchema = z.object({
  plays: int,
  paidPlays: int,
  freePlays: int,
  unpaidPlays: int,
  purchases: int,
  creditsSpentThousandths: int,
  artistShareTenThousandths: int,
  coopShareTenThousandths: int,
});

/** The report checked against the public log itself (src/shared/report-log.ts, as `verify-report --log`). */
export const reportLogVerdictSchema = z.object({
  ok: z.boolean(),
  /** The size of the checkpoint the report names (null: it could not be verified). */
  checkpointSize: int.nullable(),
  /** The artist's plays and purchases in the period that the log holds. */
  artistLeaves: int,
  /** Recomputed from the log's leaves. */
  totals: reportTotalsSchema,
  /** The first differences (at most 50) and how many there are. */
  mismatches: z.array(z.object({ kind: z.string(), message: z.string(), leafIndex: int.nullable() })),
  mismatchCount: int,
});
export type ReportLogVerdict = z.infer<typeof reportLogVerdictSchema>;

export const reportVerdictSchema = z.object({
  path: z.string(),
  bytes: int,
  /** The report's own check: signatures, prices, splits, totals. */
  ok: z.boolean(),
  receipts: int,
  verified: int,
  totals: reportTotalsSchema,
  /** Against the public log; null when the report names no checkpoint (a server without a log). */
  log: reportLogVerdictSchema.nullable(),
  claims: z.object({ freeTrack: int, ownTrack: int, unpaid: int }),
  /** The first mismatches (at most 50) and how many there are. */
  mismatches: z.array(z.object({ kind: z.string(), message: z.string() })),
  mismatchCount: int,
  /** What to run to check the file without this app. */
  command: z.string(),
});
export type ReportVerdict = z.infer<typeof reportVerdictSchema>;

export const trackStatusSchema = trackSchema.shape.status;

/** The server's track (src/shared/server-api/answers.ts), what the artist's release list shows of it. */
export const publishedTrackSchema = trackSchema
  .pick({ id: true, title: true, trackNumber: true, durationMs: true, status: true })
  // Always told here (the server's older answers without it are read as published).
  .extend({ published: z.boolean() });

export const coopReleaseSchema = z.object({
  releaseId: z.string(),
  artistId: z.string(),
  title: z.string(),
  status: releaseStatusSchema,
  tracks: z.array(publishedTrackSchema),
});
export type CoopRelease = z.infer<typeof coopReleaseSchema>;

export const publishInputSchema = z
  .object({
    draftId: draftIdSchema,
    artistId: artistIdSchema,
    title: z.string().trim().min(1).max(300),
    /** The draft's tracks to publish (positions), each paid or free; tracks under 45 s are published free whatever is asked. */
    tracks: z
      .array(z.object({ position: int.min(1), status: trackStatusSchema }).strict())
      .min(1)
      .max(200),
  })
  .strict();

export const publishResultSchema = z.object({
  draftId: z.string(),
  releaseId: z.string(),
  /** False when a file was rejected: nothing was published; leave it out (or fix it) and publish again. */
  published: z.boolean(),
  release: coopReleaseSchema,
  rejected: z.array(z.object({ position: int, fileName: z.string(), reason: z.string() })),
  /** Uploads that had to resume after an interruption (HEAD offset). */
  resumed: int,
});
export type PublishResult = z.infer<typeof publishResultSchema>;

export const publishProgressSchema = z.object({
  draftId: z.string(),
  releaseId: z.string().nullable(),
  phase: z.enum(['creating', 'uploading', 'publishing', 'done', 'failed']),
  /** The file being uploaded (phase uploading). */
  position: int.nullable(),
  fileName: z.string().nullable(),
  fileState: z.enum(['uploading', 'resuming', 'checking', 'accepted', 'rejected']).nullable(),
  sentBytes: int,
  totalBytes: int,
  filesDone: int,
  filesTotal: int,
  message: z.string().nullable(),
});
export type PublishProgress = z.infer<typeof publishProgressSchema>;

export const artistCalls = {
  'artist.profiles': call(
    'The artist profiles the signed-in account holds (from the server).',
    z.object({}).strict(),
    z.object({ artists: z.array(artistProfileSchema) }),
  ),
  'artist.earnings': call(
    "An artist's earnings per track or per period (settled plays), in integers.",
    earningsInputSchema,
    earningsSchema,
  ),
  'artist.earningsCsv': call(
    "The same earnings as the server's CSV text, to save as a file.",
    earningsInputSchema,
    z.object({ fileName: z.string(), csv: z.string() }),
  ),
  'artist.membership': call(
    'Membership status as an artist for a year (earnings threshold).',
    z.object({ year: int.min(2000).max(9999).optional() }).strict(),
    artistMembershipSchema,
  ),
  'artist.exportReport': call(
    'Download the audit report for a period to a file, and verify it here as `verify-report` would.',
    z
      .object({
        ...rangeInput,
        path: z.string().min(1).max(4096),
        stablePseudonyms: z.boolean().default(false),
      })
      .strict(),
    reportVerdictSchema,
  ),
  'artist.publish': call(
    'Publish a release draft: server draft, resumable chunked uploads checked by the server, then publish. Calling again for the same draft resumes.',
    publishInputSchema,
    publishResultSchema,
  ),
  'artist.unpublish': call(
    'Take a release out of the catalog; plays, ownership and earnings stay.',
    z.object({ releaseId: serverIdSchema }).strict(),
    coopReleaseSchema,
  ),
  'artist.releases': call(
    'Releases published from this device for an artist, as the server has them now.',
    z.object({ artistId: artistIdSchema }).strict(),
    z.object({ releases: z.array(coopReleaseSchema) }),
  ),
};

export const artistEvents = {
  'artist.publishProgress': event(
    'Publishing moved on: a phase, or bytes of a file sent.',
    publishProgressSchema,
  ),
};
