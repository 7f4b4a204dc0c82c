import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import { coopTrackIdSchema } from '../../shared/receipt';
import { assertRightsholderOrAdmin } from '../catalog/track-views';
import { setReleaseStatus } from '../catalog/store';
import type { ServerContext } from '../context';
import { inTransaction } from '../db/transaction';
import { ApiError, notFound } from '../http/errors';
import { route, type AnyRoute } from '../http/route';
import { idParams, ownRelease, releaseView, releaseViewSchema } from './views';

/** POST /v1/publishing/releases */
export function createReleaseRoute(ctx: ServerContext): AnyRoute {
  return route({
    method: 'POST',
    url: '/v1/publishing/releases',
    summary: 'Create a draft release for an artist profile you hold',
    tag: 'publishing',
    access: 'user',
    body: z.object({ artistId: coopTrackIdSchema, title: z.string().trim().min(1).max(300) }),
    response: releaseViewSchema,
    successStatus: 201,
    handler: async ({ user, body }) => {
      const { db } = ctx.store;
      const artist = await db
        .selectFrom('artists')
        .select('id')
        .where('id', '=', body.artistId)
        .executeTakeFirst();
      if (!artist) throw notFound('artist');
      await assertRightsholderOrAdmin(ctx, user, body.artistId);
      const id = uuidv7();
      const now = ctx.clock.nowMs();
      await db
        .insertInto('releases')
        .values({
          id,
          artist_id: body.artistId,
          title: body.title,
          created_at: now,
          status: 'draft',
          status_changed_at: now,
        })
        .execute();
      return releaseView(ctx, id);
    },
  });
}

/** GET /v1/publishing/releases/:id */
export function getReleaseRoute(ctx: ServerContext): AnyRoute {
  return route({
    method: 'GET',
    url: '/v1/publishing/releases/:id',
    summary: 'A release you hold, with its uploads and tracks',
    tag: 'publishing',
    access: 'user',
    params: idParams,
    response: releaseViewSchema,
    handler: async ({ user, params }) => {
      await ownRelease(ctx, user, params.id);
      return releaseView(ctx, params.id);
    },
  });
}

/** POST /v1/publishing/releases/:id/unpublish */
export function unpublishReleaseRoute(ctx: ServerContext): AnyRoute {
  return route({
    method: 'POST',
    url: '/v1/publishing/releases/:id/unpublish',
    summary:
      "Take a release out of the catalog; plays, earnings and listeners' ownership stay (owners keep streaming)",
    tag: 'publishing',
    access: 'user',
    params: idParams,
    response: releaseViewSchema,
    handler: async ({ user, params }) => {
      const release = await ownRelease(ctx, user, params.id);
      if (release.status !== 'published')
        throw new ApiError(409, 'not_published', `the release is ${release.status}`);
      await inTransaction(ctx.store, (tx) => setReleaseStatus(ctx, tx, release.id, 'unpublished'));
      return releaseView(ctx, release.id);
    },
  });
}
