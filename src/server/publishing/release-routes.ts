import { v7 as uuidv7 } from 'uuid';
import { assertRightsholderOrAdmin } from '../catalog/track-views';
import { setReleaseStatus } from '../catalog/store';
import type { ServerContext } from '../context';
import { inTransaction } from '../db/transaction';
import { ApiError, notFound } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { publishing } from '../../shared/server-api';
import { ownRelease, releaseView } from './views';

/** POST /v1/publishing/releases */
export function createReleaseRoute(ctx: ServerContext): AnyRoute {
  return implement(publishing.createDraftRelease, {
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
  return implement(publishing.getPublishingRelease, {
    handler: async ({ user, params }) => {
      await ownRelease(ctx, user, params.id);
      return releaseView(ctx, params.id);
    },
  });
}

/** POST /v1/publishing/releases/:id/unpublish */
export function unpublishReleaseRoute(ctx: ServerContext): AnyRoute {
  return implement(publishing.unpublishRelease, {
    handler: async ({ user, params }) => {
      const release = await ownRelease(ctx, user, params.id);
      if (release.status !== 'published')
        throw new ApiError(409, 'not_published', `the release is ${release.status}`);
      await inTransaction(ctx.store, (tx) => setReleaseStatus(ctx, tx, release.id, 'unpublished'));
      return releaseView(ctx, release.id);
    },
  });
}
