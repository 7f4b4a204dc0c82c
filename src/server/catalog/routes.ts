import { join } from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { fileResponse } from '../../node/file-range';
import { coopTrackIdSchema } from '../../shared/receipt';
import { ApiError, forbidden, notFound } from '../http/errors';
import { route, type AnyRoute } from '../http/route';
import { isUniqueViolation } from '../accounts/users';
import { createRelease, findOrCreateArtist, setTrackStatus } from './store';
import { inTransaction } from '../db/transaction';
import type { ServerContext } from '../context';

export const trackSchema = z.object({
  id: z.string(),
  title: z.string(),
  trackNumber: z.number().int(),
  durationMs: z.number().int(),
  status: z.enum(['paid', 'free']),
  artistId: z.string(),
  artistName: z.string(),
  releaseId: z.string(),
  releaseTitle: z.string(),
  hasAudio: z.boolean(),
  published: z.boolean().describe('false once its release was unpublished: drop it from the catalog; owners keep playing it'),
  version: z.number().int().describe('catalog version of the last change to this track'),
});
export type TrackView = z.infer<typeof trackSchema>;

const idParams = z.object({ id: coopTrackIdSchema });

/**
 * Track views. `listed` (the catalog listing and search) keeps to published
 * releases; `changes` (the sync pull) adds unpublished ones, flagged, so a
 * device that listed a track learns to drop it.
 */
export async function trackViews(
  ctx: ServerContext,
  filter: { ids?: string[]; releaseId?: string; q?: string; after?: string; sinceKey?: { version: number; id: string }; limit: number; visibility?: 'listed' | 'changes' },
): Promise<TrackView[]> {
  let query = ctx.store.db
    .selectFrom('tracks')
    .innerJoin('artists', 'artists.id', 'tracks.artist_id')
    .innerJoin('releases', 'releases.id', 'tracks.release_id')
    .select([
      'tracks.id', 'tracks.title', 'tracks.track_number', 'tracks.duration_ms', 'tracks.status', 'tracks.artist_id',
      'artists.name as artist_name', 'tracks.release_id', 'releases.title as release_title', 'tracks.audio_path', 'tracks.version',
      'releases.status as release_status',
    ]);
  if (filter.visibility === 'listed') query = query.where('releases.status', '=', 'published');
  if (filter.visibility === 'changes') query = query.where('releases.status', 'in', ['published', 'unpublished']);
  if (filter.ids) query = query.where('tracks.id', 'in', filter.ids.length ? filter.ids : ['']);
  if (filter.releaseId) query = query.where('tracks.release_id', '=', filter.releaseId);
  if (filter.q) {
    // LIKE with the user's text escaped: % and _ are literal.
    const pattern = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`tracks.search_text LIKE ${pattern} ESCAPE '\\'`);
  }
  if (filter.sinceKey) {
    const { version, id } = filter.sinceKey;
    query = query
      .where((eb) => eb.or([eb('tracks.version', '>', version), eb.and([eb('tracks.version', '=', version), eb('tracks.id', '>', id)])]))
      .orderBy('tracks.version')
      .orderBy('tracks.id');
  }
  else if (filter.releaseId) query = query.orderBy('tracks.track_number').orderBy('tracks.id');
  else query = query.orderBy('tracks.id');
  if (filter.after) query = query.where('tracks.id', '>', filter.after);
  const rows = await query.limit(filter.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    trackNumber: r.track_number,
    durationMs: r.duration_ms,
    status: r.status,
    artistId: r.artist_id,
    artistName: r.artist_name,
    releaseId: r.release_id,
    releaseTitle: r.release_title,
    hasAudio: r.audio_path !== null,
    published: r.release_status === 'published',
    version: r.version,
  }));
}

export async function isRightsholderOrAdmin(ctx: ServerContext, user: { id: string; role: string }, artistId: string): Promise<boolean> {
  if (user.role === 'admin') return true;
  const holds = await ctx.store.db.selectFrom('artist_rightsholders').select('user_id').where('artist_id', '=', artistId).where('user_id', '=', user.id).executeTakeFirst();
  return holds !== undefined;
}

export async function assertRightsholderOrAdmin(ctx: ServerContext, user: { id: string; role: string }, artistId: string): Promise<void> {
  if (!(await isRightsholderOrAdmin(ctx, user, artistId))) throw forbidden('only the rightsholder of this artist or an admin');
}

export function catalogRoutes(ctx: ServerContext): AnyRoute[] {
  const { db } = ctx.store;
  const newTrackSchema = z.object({
    title: z.string().min(1).max(300),
    trackNumber: z.number().int().min(1).max(10_000).optional(),
    durationMs: z.number().int().min(1).max(2_678_400_000),
    status: z.enum(['paid', 'free']).default('paid'),
  });
  return [
    route({
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
        const tracks = await trackViews(ctx, { q: query.q, after: query.after, limit: query.limit, visibility: 'listed' });
        return { tracks, nextCursor: tracks.length === query.limit ? tracks.at(-1)!.id : null };
      },
    }),
    route({
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
    }),
    route({
      method: 'GET',
      url: '/v1/catalog/releases/:id',
      summary: 'A release and its tracks',
      tag: 'catalog',
      access: 'user',
      params: idParams,
      response: z.object({ id: z.string(), title: z.string(), artistId: z.string(), status: z.enum(['draft', 'published', 'unpublished']), tracks: z.array(trackSchema) }),
      handler: async ({ params, user }) => {
        const release = await db.selectFrom('releases').selectAll().where('id', '=', params.id).executeTakeFirst();
        if (!release) throw notFound('release');
        // A draft is its rightsholders' business until published.
        if (release.status === 'draft' && !(await isRightsholderOrAdmin(ctx, user, release.artist_id))) throw notFound('release');
        return { id: release.id, title: release.title, artistId: release.artist_id, status: release.status, tracks: await trackViews(ctx, { releaseId: release.id, limit: 10_000 }) };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/catalog/artists',
      summary: 'Artists, by name',
      tag: 'catalog',
      access: 'user',
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), after: z.string().max(300).optional() }),
      response: z.object({ artists: z.array(z.object({ id: z.string(), name: z.string() })) }),
      handler: async ({ query }) => {
        let q = db.selectFrom('artists').select(['id', 'name', 'name_key']).orderBy('name_key');
        if (query.after) q = q.where('name_key', '>', query.after.toLowerCase());
        const artists = await q.limit(query.limit).execute();
        return { artists: artists.map((a) => ({ id: a.id, name: a.name })) };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/tracks/:id/audio',
      summary: 'Stream the audio of a track (Range requests supported)',
      tag: 'catalog',
      access: 'user',
      params: idParams,
      produces: ['audio/*'],
      handler: async ({ params, request, reply, user }) => {
        const track = await db
          .selectFrom('tracks')
          .innerJoin('releases', 'releases.id', 'tracks.release_id')
          .select(['tracks.audio_path', 'tracks.audio_mime', 'tracks.artist_id', 'releases.status'])
          .where('tracks.id', '=', params.id)
          .executeTakeFirst();
        if (!track?.audio_path) throw notFound('audio');
        // Unpublished: those who own the track keep it, as do its rightsholders.
        if (track.status !== 'published' && !(await isRightsholderOrAdmin(ctx, user, track.artist_id))) {
          const owned = await db.selectFrom('listener_tracks').select('owned_at').where('user_id', '=', user.id).where('track_id', '=', params.id).executeTakeFirst();
          if (owned?.owned_at == null) throw new ApiError(403, 'unpublished', 'the release was unpublished; only listeners who own the track can still play it');
        }
        const answer = await fileResponse(join(ctx.mediaDir, track.audio_path), track.audio_mime ?? 'application/octet-stream', request.headers.range);
        if (answer.status === 404) throw notFound('audio');
        void reply.status(answer.status).headers(answer.headers);
        return reply.send(answer.body ?? '');
      },
    }),
    route({
      method: 'PUT',
      url: '/v1/tracks/:id/status',
      summary: "Mark a track paid or free (its rightsholder or an admin)",
      tag: 'catalog',
      access: 'user',
      params: idParams,
      body: z.object({ status: z.enum(['paid', 'free']) }),
      response: trackSchema,
      handler: async ({ params, body, user }) => {
        const track = await db.selectFrom('tracks').select(['artist_id']).where('id', '=', params.id).executeTakeFirst();
        if (!track) throw notFound('track');
        await assertRightsholderOrAdmin(ctx, user, track.artist_id);
        await inTransaction(ctx.store, (tx) => setTrackStatus(tx, params.id, body.status));
        return (await trackViews(ctx, { ids: [params.id], limit: 1 }))[0];
      },
    }),
    route({
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
    }),
    route({
      method: 'POST',
      url: '/v1/admin/artists/:id/rightsholders',
      summary: 'Make a user a rightsholder of an artist (a label may hold several); gives them the artist role',
      tag: 'admin',
      access: 'admin',
      params: idParams,
      body: z.object({ userId: z.string().min(1).max(128) }),
      handler: async ({ params, body }) => {
        const [artist, user] = await Promise.all([
          db.selectFrom('artists').select('id').where('id', '=', params.id).executeTakeFirst(),
          db.selectFrom('users').select(['id', 'role']).where('id', '=', body.userId).executeTakeFirst(),
        ]);
        if (!artist) throw notFound('artist');
        if (!user) throw notFound('user');
        await db.transaction().execute(async (tx) => {
          try {
            await tx.insertInto('artist_rightsholders').values({ artist_id: params.id, user_id: body.userId }).onConflict((oc) => oc.doNothing()).execute();
          } catch (error) {
            if (!isUniqueViolation(error)) throw error;
          }
          if (user.role === 'listener') await tx.updateTable('users').set({ role: 'artist' }).where('id', '=', body.userId).execute();
        });
      },
    }),
    route({
      method: 'POST',
      url: '/v1/admin/releases',
      summary: 'Create a release with tracks from JSON (no audio; the import command brings audio files)',
      tag: 'admin',
      access: 'admin',
      body: z.object({ artistId: z.string().min(1).max(128), title: z.string().min(1).max(300), tracks: z.array(newTrackSchema).min(1).max(500) }),
      response: z.object({ releaseId: z.string(), trackIds: z.array(z.string()) }),
      successStatus: 201,
      handler: async ({ body }) => {
        const artist = await db.selectFrom('artists').select('id').where('id', '=', body.artistId).executeTakeFirst();
        if (!artist) throw new ApiError(404, 'not_found', 'artist not found');
        return inTransaction(ctx.store, (tx) =>
          createRelease(
            ctx,
            tx,
            body.artistId,
            body.title,
            body.tracks.map((t, i) => ({ ...t, trackNumber: t.trackNumber ?? i + 1, audioPath: null, audioMime: null })),
          ),
        );
      },
    }),
  ];
}
