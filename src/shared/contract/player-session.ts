import { z } from 'zod';
import { call } from './define';
import { trackSourceSchema } from './player';

/**
 * The player's queue, kept by the main process so a restart (or a reload of
 * the web host's page) finds it where it was: the tracks, which one was
 * current and how far into it. Restored paused, never playing; a co-op track
 * restored opens a fresh play session like any other (the restored position
 * is not "heard").
 */
export const MAX_SAVED_QUEUE = 10_000;

export const savedTrackSchema = z.object({
  source: trackSourceSchema,
  id: z.string().min(1).max(200),
  localId: z.number().int().nullable(),
  title: z.string().max(2000),
  artist: z.string().max(2000),
  album: z.string().max(2000),
  albumId: z.number().int().nullable(),
  artistId: z.number().int().nullable(),
  durationMs: z.number().int().min(0),
  coverPath: z.string().max(4096).nullable(),
  mediaPath: z.string().max(4096).nullable(),
});
export type SavedTrack = z.infer<typeof savedTrackSchema>;

export const playerSessionSchema = z
  .object({
    queue: z.array(savedTrackSchema).max(MAX_SAVED_QUEUE),
    /** The current entry, -1 when none. */
    index: z.number().int().min(-1),
    positionMs: z
      .number()
      .min(0)
      .max(24 * 3600 * 1000),
  })
  .refine((s) => s.index < s.queue.length, {
    message: 'index must name an entry of the queue',
    path: ['index'],
  });
export type PlayerSession = z.infer<typeof playerSessionSchema>;

export const playerSessionCalls = {
  'playerSession.get': call(
    'The queue, current track and position saved last, or null.',
    z.object({}).strict(),
    playerSessionSchema.nullable(),
  ),
  'playerSession.save': call(
    'Keeps the queue, current track and position (an empty queue forgets it).',
    playerSessionSchema,
    z.object({ saved: z.boolean() }),
  ),
};
