import { z } from 'zod';
import { call, event } from './define';
import {
  coopTrackIdSchema,
  freeReasonSchema,
  playOutcomeSchema,
  stream2OwnStateSchema,
  walletSummarySchema,
} from './wallet';

/**
 * The player's side of the listening guard. `player.open` starts a play
 * session and hands out the media URL; the renderer then reports what its
 * audio element did (`player.report`), and the main process alone decides
 * when the play counts and what it costs, telling the renderer by events.
 * Rules: `docs/listening-guard.md`.
 */

export const trackSourceSchema = z.enum(['local', 'coop']);

/** Local library ids are numbers written as text; co-op ids are the server's. */
export const playerTrackIdSchema = coopTrackIdSchema;

export const playerEventSchema = z.enum([
  'playing',
  'paused',
  'seeked',
  'timeupdate',
  'ratechange',
  'ended',
  'error',
]);

/** Why a report was not taken as evidence of listening. Each is logged in the main process. */
export const reportRejectionSchema = z.enum([
  'unknown_session', // no such session, or one this process never handed out
  'session_closed', // the session was replaced by a newer one or closed
  'session_ended', // the track ended or failed; a replay is a new session
  'preview_ended', // the 45-second preview is over; the session plays no further
  'track_mismatch', // the report names another track than the session's
  'out_of_order', // seq not greater than the last accepted one (late or replayed)
  'flooding', // more reports than any audio element sends
  'position_jump', // the position moved further than the clock allows without a seek: treated as a seek, adds nothing
]);

export const playerCalls = {
  'player.open': call(
    'Starts a play session for a track: answers the media URL to load and, for co-op tracks, the stream-to-own state. Closes the session before it.',
    z.object({ source: trackSourceSchema, trackId: playerTrackIdSchema }).strict(),
    z.object({
      sessionId: z.string(),
      /** Load this in the audio element. Co-op URLs only play while this session is live. */
      mediaUrl: z.string(),
      mediaPath: z.string(),
      track: z.object({
        source: trackSourceSchema,
        trackId: z.string(),
        title: z.string().nullable(),
        artist: z.string().nullable(),
        album: z.string().nullable(),
        durationMs: z.number().int().min(1),
      }),
      /** Null for local files (they are the user's own: free, counted locally). */
      stream2own: stream2OwnStateSchema.nullable(),
    }),
  ),
  'player.report': call(
    "Reports one event of the session's audio element, numbered by seq (1, 2, 3, …). The answer says whether it was taken, and `stop: true` means stop playback now.",
    z
      .object({
        sessionId: z.string().min(1).max(64),
        trackId: playerTrackIdSchema,
        seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
        event: playerEventSchema,
        /** audio.currentTime in ms. */
        positionMs: z.number().min(0).max(1e10),
        /** audio.playbackRate. */
        rate: z.number().min(0).max(100).optional(),
      })
      .strict(),
    z.object({
      accepted: z.boolean(),
      reason: reportRejectionSchema.optional(),
      heardMs: z.number().min(0),
      counted: z.boolean(),
      stop: z.boolean(),
    }),
  ),
  'player.close': call(
    'Ends a play session (the user stopped or switched tracks). Later reports for it are rejected.',
    z.object({ sessionId: z.string().min(1).max(64) }).strict(),
    z.object({ closed: z.boolean() }),
  ),
};

export const playCountedSchema = z.object({
  sessionId: z.string(),
  source: trackSourceSchema,
  trackId: z.string(),
  /** `local`: a play of the user's own file, counted in the library only. */
  outcome: z.union([playOutcomeSchema, z.literal('local')]),
  freeReason: freeReasonSchema.nullable(),
  paidPlayNumber: z.number().int().min(1).max(9).nullable(),
  chargeThousandths: z.number().int().min(0),
  heardMs: z.number().min(0),
  receiptId: z.string().nullable(),
  /** The track's new state (null for local files). */
  stream2own: stream2OwnStateSchema.nullable(),
  /** The wallet after the charge (null for local files). */
  wallet: walletSummarySchema.nullable(),
});
export type PlayCounted = z.infer<typeof playCountedSchema>;

export const previewEndedSchema = z.object({
  sessionId: z.string(),
  trackId: z.string(),
  /** What this play would have cost. */
  priceThousandths: z.number().int().min(0),
  spendableThousandths: z.number().int().min(0),
  /** "Buy the rest" price. */
  remainingToOwnThousandths: z.number().int().min(0),
});
export type PreviewEnded = z.infer<typeof previewEndedSchema>;

export const playerEvents = {
  'player.playCounted': event(
    'A play was counted in the main process: charged, free, a preview, or a local play.',
    playCountedSchema,
  ),
  'player.previewEnded': event(
    'The 45-second preview is over because the balance does not cover the play: playback was stopped; prompt to add credits or buy the rest.',
    previewEndedSchema,
  ),
};
