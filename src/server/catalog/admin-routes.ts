import { z } from 'zod';
import { isUniqueViolation } from '../accounts/users';
import type { ServerContext } from '../context';
import { inTransaction } from '../db/transaction';
import { ApiError, notFound } from '../http/errors';
import { route, type AnyRoute } from '../http/route';
import { createRelease, findOrCreateArtist } from './store';
import { idParams } from './track-views';

/** POST /v1/admin/artists */
export function createArtistRoute(ctx: ServerContext): AnyRoute {
  return route({
    method: 'POST',
    url: '/v1/admin/artists',
    summary: 'Create an artist profile (or find it by name)',
    tag: 'admin',
    access: 'admin',
    body: z.object({ name: z.string().min(1).max(200) }),
    response: z.object({ id: z.string(), name: z.string() }),
    successStatus: 201,
    handler: async ({ body }) => {
      const id = await inTransaction(ctx.store, (tx) => findOrCreateArtist(ctx, tx, body.name));
      return { id, name: body.name.trim() };
    },
  });
}

/** POST /v1/admin/artists/:id/rightsholders */
export function addRightsholderRoute(ctx: ServerContext): AnyRoute {
  return route({
    method: 'POST',
    url: '/v1/admin/artists/:id/rightsholders',
    summary: 'Make a user a rightsholder of an artist (a label may hold several); gives them the artist role',
    tag: 'admin',
    access: 'admin',
    params: idParams,
    body: z.object({ userId: z.string().min(1).max(128) }),
    handler: async ({ params, body }) => {
      const { db } = ctx.store;
      const [artist, user] = await Promise.all([
        db.selectFrom('artists').select('id').where('id', '=', params.id).executeTakeFirst(),
        db.selectFrom('users').select(['id', 'role']).where('id', '=', body.userId).executeTakeFirst(),
      ]);
      if (!artist) throw notFound('artist');
      if (!user) throw notFound('user');
      await db.transaction().execute(async (tx) => {
        try {
          await tx
            .insertInto('artist_rightsholders')
            .values({ artist_id: params.id, user_id: body.userId })
            .onConflict((oc) => oc.doNothing())
            .execute();
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
        if (user.role === 'listener')
          await tx.updateTable('users').set({ role: 'artist' }).where('id', '=', body.userId).execute();
      });
    },
  });
}

const newTrackSchema = z.object({
  title: z.string().min(1).max(300),
  trackNumber: z.number().int().min(1).max(10_000).optional(),
  durationMs: z.number().int().min(1).max(2_678_400_000),
  status: z.enum(['paid', 'free']).default('paid'),
});

/** POST /v1/admin/releases */
export function createReleaseFromJsonRoute(ctx: ServerContext): AnyRoute {
  return route({
    method: 'POST',
    url: '/v1/admin/releases',
    summary: 'Create a release with tracks from JSON (no audio; the import command brings audio files)',
    tag: 'admin',
    access: 'admin',
    body: z.object({
      artistId: z.string().min(1).max(128),
      title: z.string().min(1).max(300),
      tracks: z.array(newTrackSchema).min(1).max(500),
    }),
    response: z.object({ releaseId: z.string(), trackIds: z.array(z.string()) }),
    successStatus: 201,
    handler: async ({ body }) => {
      const artist = await ctx.store.db
        .selectFrom('artists')
        .select('id')
        .where('id', '=', body.artistId)
        .executeTakeFirst();
      if (!artist) throw new ApiError(404, 'not_found', 'artist not found');
      return inTransaction(ctx.store, (tx) =>
        createRelease(
          ctx,
          tx,
          body.artistId,
          body.title,
          body.tracks.map((t, i) => ({
            ...t,
            trackNumber: t.trackNumber ?? i + 1,
            audioPath: null,
            audioMime: null,
          })),
        ),
      );
    },
  });
}
