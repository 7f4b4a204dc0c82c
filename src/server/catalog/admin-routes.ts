import { isUniqueViolation } from '../accounts/users';
import type { ServerContext } from '../context';
import { inTransaction } from '../db/transaction';
import { ApiError, notFound } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { catalog } from '../../shared/server-api';
import { createRelease, findOrCreateArtist } from './store';

/** POST /v1/admin/artists */
export function createArtistRoute(ctx: ServerContext): AnyRoute {
  return implement(catalog.createArtist, {
    handler: async ({ body }) => {
      const id = await inTransaction(ctx.store, (tx) => findOrCreateArtist(ctx, tx, body.name));
      return { id, name: body.name.trim() };
    },
  });
}

/** POST /v1/admin/artists/:id/rightsholders */
export function addRightsholderRoute(ctx: ServerContext): AnyRoute {
  return implement(catalog.addRightsholder, {
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

/** POST /v1/admin/releases */
export function createReleaseFromJsonRoute(ctx: ServerContext): AnyRoute {
  return implement(catalog.createReleaseFromJson, {
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
