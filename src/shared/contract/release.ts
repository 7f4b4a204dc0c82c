import { z } from 'zod';
import { call, event } from './define';

/**
 * Release preview for artists: open a folder as a release draft, see it as
 * the co-op catalog will show it (artwork, order, titles, durations), and
 * check it before publishing. Drafts live in memory for the session; the
 * renderer names them by `draftId` and reaches files only through media
 * paths (`draft/<draftId>/<trackNo>`, `draft/<draftId>/cover`). Preview
 * plays are free and create no receipts.
 */

export const DEFAULT_TARGET_LUFS = -14;
export const DEFAULT_LOUDNESS_TOLERANCE_LU = 2;

const draftIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const artworkSchema = z.object({
  /** Where the picture comes from: embedded in the first track that has one, or a cover file in the folder. */
  source: z.enum(['embedded', 'folder']),
  /** File name for a folder cover, for display. */
  fileName: z.string().nullable(),
  format: z.enum(['png', 'jpeg', 'other']),
  /** Read from the image header; null when the format is not PNG or JPEG. */
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  bytes: z.number().int(),
  mediaPath: z.string(),
});
export type DraftArtwork = z.infer<typeof artworkSchema>;

/** Loudness, peaks and clipping measured on the decoded audio. */
export const audioMeasurementSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('pending') }),
  z.object({
    state: z.literal('measured'),
    /** Integrated loudness (EBU R128 / ITU-R BS.1770-4); null for a silent track. */
    integratedLufs: z.number().nullable(),
    samplePeakDbfs: z.number().nullable(),
    truePeakDbtp: z.number().nullable(),
    /** Samples (all channels) at or beyond full scale. */
    clippedSamples: z.number().int(),
    decodedDurationMs: z.number().int(),
  }),
  z.object({
    state: z.literal('not_measured'),
    reason: z.enum(['unsupported', 'corrupt']),
    detail: z.string(),
  }),
]);
export type AudioMeasurement = z.infer<typeof audioMeasurementSchema>;

export const draftTrackSchema = z.object({
  /** 1-based position in the release order (disc, track number, then file name). */
  position: z.number().int(),
  fileName: z.string(),
  title: z.string(),
  artist: z.string(),
  albumArtist: z.string(),
  album: z.string(),
  trackNo: z.number().int().nullable(),
  trackOf: z.number().int().nullable(),
  discNo: z.number().int().nullable(),
  year: z.number().int().nullable(),
  durationMs: z.number().int(),
  /** Shorter than 45 s: always free to listeners. */
  alwaysFree: z.boolean(),
  codec: z.string(),
  lossless: z.boolean(),
  /** bits per second */
  bitrate: z.number().int().nullable(),
  sampleRate: z.number().int().nullable(),
  bitsPerSample: z.number().int().nullable(),
  channels: z.number().int().nullable(),
  /** null when the file's tags could not be read. */
  readError: z.string().nullable(),
  measurement: audioMeasurementSchema,
  /** `draft/<draftId>/<position>`: a free preview, never a receipt. */
  mediaPath: z.string(),
});
export type DraftTrack = z.infer<typeof draftTrackSchema>;

export const releaseDraftSchema = z.object({
  draftId: draftIdSchema,
  folder: z.string(),
  /** As the catalog will show it: the values most tracks agree on. */
  title: z.string(),
  albumArtist: z.string(),
  year: z.number().int().nullable(),
  artwork: artworkSchema.nullable(),
  tracks: z.array(draftTrackSchema),
  totalDurationMs: z.number().int(),
  analysis: z.object({ done: z.number().int(), total: z.number().int() }),
});
export type ReleaseDraft = z.infer<typeof releaseDraftSchema>;

export const problemSeveritySchema = z.enum(['error', 'warning', 'info']);
export type ProblemSeverity = z.infer<typeof problemSeveritySchema>;

export const releaseProblemSchema = z.object({
  /** Stable, for tests and translations: `missing_album_artist`, `clipping`, `loudness_too_quiet`, … */
  code: z.string(),
  severity: problemSeveritySchema,
  /** The tracks concerned (positions); empty for the release as a whole. */
  positions: z.array(z.number().int()),
  message: z.string(),
  /** How to fix it, in the artist's words. */
  fix: z.string(),
});
export type ReleaseProblem = z.infer<typeof releaseProblemSchema>;

export const checkOptionsSchema = z
  .object({
    draftId: draftIdSchema,
    /** The loudness the artist aims for; most streaming players normalise to about −14 LUFS. */
    targetLufs: z.number().min(-40).max(0).default(DEFAULT_TARGET_LUFS),
    /** How far from the target a track may be before it is flagged. */
    toleranceLu: z.number().min(0.5).max(10).default(DEFAULT_LOUDNESS_TOLERANCE_LU),
  })
  .strict();
export type CheckOptions = z.output<typeof checkOptionsSchema>;

export const releaseCheckReportSchema = z.object({
  draftId: draftIdSchema,
  targetLufs: z.number(),
  toleranceLu: z.number(),
  /** False while tracks are still being measured: the audio checks are not all in yet. */
  complete: z.boolean(),
  counts: z.object({ error: z.number().int(), warning: z.number().int(), info: z.number().int() }),
  problems: z.array(releaseProblemSchema),
});
export type ReleaseCheckReport = z.infer<typeof releaseCheckReportSchema>;

const draftRef = z.object({ draftId: draftIdSchema }).strict();

export const releaseCalls = {
  'release.openDraft': call(
    'Open a folder as a release draft: reads the tags and artwork now, measures the audio in the background.',
    z.object({ folder: z.string().min(1).max(4096) }).strict(),
    releaseDraftSchema,
  ),
  'release.draft': call(
    'The draft as the catalog will show it, with the measurements so far.',
    draftRef,
    releaseDraftSchema,
  ),
  'release.tracks': call(
    "The draft's tracks in release order, with media paths for free previews.",
    draftRef,
    z.array(draftTrackSchema),
  ),
  'release.checks': call(
    'Every problem found in the draft, against the loudness target given.',
    checkOptionsSchema,
    releaseCheckReportSchema,
  ),
  'release.closeDraft': call(
    'Forget a draft (its previews stop resolving).',
    draftRef,
    z.object({ closed: z.boolean() }),
  ),
};

export const releaseEvents = {
  'release.analysisProgress': event(
    'A draft track was measured (or could not be); refetch the draft or the checks.',
    z.object({ draftId: draftIdSchema, done: z.number().int(), total: z.number().int() }),
  ),
};
