import type { ServerContext } from '../context';
import { notFound } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { catalog } from '../../shared/server-api';
import { isRightsholderOrAdmin, trackViews } from './track-views';

/** GET /v1/catalog/tracks */
export function listTracksRoute(ctx: ServerContext): AnyRoute {
  return implement(catalog.listTracks, {
    handler: async ({ query }) => {
      const tracks = await trackViews(ctx, {
        q: query.q,
        after: query.after,
        limit: query.limit,
        visibility: 'listed',
      });
      return { tracks, nextCursor: tracks.length === query.limit ? tracks.at(-1)!.id : null };
    },
  });
}

/** GET /v1/catalog/tracks/:id */
export function getTrackRoute(ctx: ServerContext): AnyRoute {
  return implement(catalog.getTrack, {
    handler: async ({ params }) => {
      const [track] = await trackViews(ctx, { ids: [params.id], limit: 1 });
      if (!track) throw notFound('track');
      return track;
    },
  });
}

/** GET /v1/catalog/releases/:id */
export function getReleaseRoute(ctx: ServerContext): AnyRoute {
  return implement(catalog.getCatalogRelease, {
    handler: async ({ params, user }) => {
      const release = await ctx.store.db
        .selectFrom('releases')
        .selectAll()
        .where('id', '=', params.id)
        .executeTakeFirst();
      if (!release) throw notFound('release');
      // A draft is its rightsholders' business until published.
      if (release.status === 'draft' && !(await isRightsholderOrAdmin(ctx, user, release.artist_id)))
        throw notFound('release');
      return {
        id: release.id,
        title: release.title,
        artistId: release.artist_id,
        status: release.status,
        tracks: await trackViews(ctx, { releaseId: release.id, limit: 10_000 }),
      };
    },
  });
}

/** GET /v1/catalog/artists */
export function listArtistsRoute(ctx: ServerContext): AnyRoute {
  return implement(catalog.listArtists, {
    handler: async ({ query }) => {
      let q = ctx.store.db.selectFrom('artists').select(['id', 'name', 'name_key']).orderBy('name_key');
      if (query.after) q = q.where('name_key', '>', query.after.toLowerCase());
      const artists = await q.limit(query.limit).execute();
      return { artists: artists.map((a) => ({ id: a.id, name: a.name })) };
    },
  });
}
