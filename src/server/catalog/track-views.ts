/** The catalog as the API shows it: track views and who may act for an artist. */
import { sql } from 'kysely';
import { z } from 'zod';
import { coopTrackIdSchema } from '../../shared/receipt';
import { trackSchema } from '../../shared/server-api/answers';
import { forbidden } from '../http/errors';
import type { ServerContext } from '../context';

/** The track as the API shows it: the wire contract's (src/shared/server-api). */
export { trackSchema };
export type TrackView = z.infer<typeof trackSchema>;

/** `:id` of a track, release or artist. */
export const idParams = z.object({ id: coopTrackIdSchema });

/**
 * Track views. `listed` (the catalog listing and search) keeps to published
 * releases; `changes` (the sync pull) adds unpublished ones, flagged, so a
 * device that listed a track learns to drop it.
 */
export async function trackViews(
  ctx: ServerContext,
  filter: {
    ids?: string[];
    releaseId?: string;
    q?: string;
    after?: string;
    sinceKey?: { version: number; id: string };
    limit: number;
    visibility?: 'listed' | 'changes';
  },
): Promise<TrackView[]> {
  let query = ctx.store.db
    .selectFrom('tracks')
    .innerJoin('artists', 'artists.id', 'tracks.artist_id')
    .innerJoin('releases', 'releases.id', 'tracks.release_id')
    .select([
      'tracks.id',
      'tracks.title',
      'tracks.track_number',
      'tracks.duration_ms',
      'tracks.status',
      'tracks.artist_id',
      'artists.name as artist_name',
      'tracks.release_id',
      'releases.title as release_title',
      'tracks.audio_path',
      'tracks.version',
      'releases.status as release_status',
    ]);
  if (filter.visibility === 'listed') query = query.where('releases.status', '=', 'published');
  if (filter.visibility === 'changes')
    query = query.where('releases.status', 'in', ['published', 'unpublished']);
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
      .where((eb) =>
        eb.or([
          eb('tracks.version', '>', version),
          eb.and([eb('tracks.version', '=', version), eb('tracks.id', '>', id)]),
        ]),
      )
      .orderBy('tracks.version')
      .orderBy('tracks.id');
  } else if (filter.releaseId) query = query.orderBy('tracks.track_number').orderBy('tracks.id');
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

export async function isRightsholderOrAdmin(
  ctx: ServerContext,
  user: { id: string; role: string },
  artistId: string,
): Promise<boolean> {
  if (user.role === 'admin') return true;
  const holds = await ctx.store.db
    .selectFrom('artist_rightsholders')
    .select('user_id')
    .where('artist_id', '=', artistId)
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  return holds !== undefined;
}

export async function assertRightsholderOrAdmin(
  ctx: ServerContext,
  user: { id: string; role: string },
  artistId: string,
): Promise<void> {
  if (!(await isRightsholderOrAdmin(ctx, user, artistId)))
    throw forbidden('only the rightsholder of this artist or an admin');
}
