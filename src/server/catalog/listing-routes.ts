import { z } from 'zod';
import type { ServerContext } from '../context';
import { notFound } from '../http/errors';
import { route, type AnyRoute } from '../http/route';
import { idParams, isRightsholderOrAdmin, trackSchema, trackViews } from './track-views';

/** GET /v1/catalog/tracks */
export function listTracksRoute(ctx: ServerContext): AnyRoute {
  return route({
    method: 'GET',
    url: '/v1/catalog/tracks',
    summary: 'List catalog tracks, in id order, with search and keyset paging',
    tag: 'catalog',
    access: 'user',
    query: z.object({
      q: z.string().max(200).optional().describe('case-insensitive substring of title, artist or release'),
      after: z.string().max(128).optional().describe('nextCursor of the previous page'),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
    response: z.object({ tracks: z.array(trackSchema), nextCursor: z.string().nullable() }),
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
  return route({
    method: 'GET',
    url: '/v1/catalog/tracks/:id',
    summary: 'One catalog track',
    tag: 'catalog',
    access: 'user',
    params: idParams,
    response: trackSchema,
    handler: async ({ params }) => {
      const [track] = await trackViews(ctx, { ids: [params.id], limit: 1 });
      if (!track) throw notFound('track');
      return track;
    },
  });
}

/** GET /v1/catalog/releases/:id */
export function getReleaseRoute(ctx: ServerContext): AnyRoute {
  return route({
    method: 'GET',
    url: '/v1/catalog/releases/:id',
    summary: 'A release and its tracks',
    tag: 'catalog',
    access: 'user',
    params: idParams,
    response: z.object({
      id: z.string(),
      title: z.string(),
      artistId: z.string(),
      status: z.enum(['draft', 'published', 'unpublished']),
      tracks: z.array(trackSchema),
    }),
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
  return route({
    method: 'GET',
    url: '/v1/catalog/artists',
    summary: 'Artists, by name',
    tag: 'catalog',
    access: 'user',
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(100),
      after: z.string().max(300).optional(),
    }),
    response: z.object({ artists: z.array(z.object({ id: z.string(), name: z.string() })) }),
    handler: async ({ query }) => {
      let q = ctx.store.db.selectFrom('artists').select(['id', 'name', 'name_key']).orderBy('name_key');
      if (query.after) q = q.where('name_key', '>', query.after.toLowerCase());
      const artists = await q.limit(query.limit).execute();
      return { artists: artists.map((a) => ({ id: a.id, name: a.name })) };
    },
  });
}
