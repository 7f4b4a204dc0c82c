import { join } from 'node:path';
import { fileResponse } from '../../node/file-range';
import type { ServerContext } from '../context';
import { inTransaction } from '../db/transaction';
import { ApiError, notFound } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { catalog } from '../../shared/server-api';
import { setTrackStatus } from './store';
import { assertRightsholderOrAdmin, isRightsholderOrAdmin, trackViews } from './track-views';

/** GET /v1/tracks/:id/audio */
export function trackAudioRoute(ctx: ServerContext): AnyRoute {
  return implement(catalog.trackAudio, {
    handler: async ({ params, request, reply, user }) => {
      const { db } = ctx.store;
      const track = await db
        .selectFrom('tracks')
        .innerJoin('releases', 'releases.id', 'tracks.release_id')
        .select(['tracks.audio_path', 'tracks.audio_mime', 'tracks.artist_id', 'releases.status'])
        .where('tracks.id', '=', params.id)
        .executeTakeFirst();
      if (!track?.audio_path) throw notFound('audio');
      // Unpublished: those who own the track keep it, as do its rightsholders.
      if (track.status !== 'published' && !(await isRightsholderOrAdmin(ctx, user, track.artist_id))) {
        const owned = await db
          .selectFrom('listener_tracks')
          .select('owned_at')
          .where('user_id', '=', user.id)
          .where('track_id', '=', params.id)
          .executeTakeFirst();
        if (owned?.owned_at == null)
          throw new ApiError(
            403,
            'unpublished',
            'the release was unpublished; only listeners who own the track can still play it',
          );
      }
      const answer = await fileResponse(
        join(ctx.mediaDir, track.audio_path),
        track.audio_mime ?? 'application/octet-stream',
        request.headers.range,
      );
      if (answer.status === 404) throw notFound('audio');
      void reply.status(answer.status).headers(answer.headers);
      return reply.send(answer.body ?? '');
    },
  });
}

/** PUT /v1/tracks/:id/status */
export function trackStatusRoute(ctx: ServerContext): AnyRoute {
  return implement(catalog.setTrackStatus, {
    handler: async ({ params, body, user }) => {
      const track = await ctx.store.db
        .selectFrom('tracks')
        .select(['artist_id'])
        .where('id', '=', params.id)
        .executeTakeFirst();
      if (!track) throw notFound('track');
      await assertRightsholderOrAdmin(ctx, user, track.artist_id);
      await inTransaction(ctx.store, (tx) => setTrackStatus(tx, params.id, body.status));
      return (await trackViews(ctx, { ids: [params.id], limit: 1 }))[0];
    },
  });
}
