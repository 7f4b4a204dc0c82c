import { v7 as uuidv7 } from 'uuid';
import type { ServerContext } from '../context';
import type { TrackStatus } from '../db/schema';
import type { Tx } from '../db/transaction';

/**
 * Catalog writes. Every change to a track takes the next catalog version
 * (one counter row, locked by the UPDATE until commit), so "changes since
 * version N" never misses a change committed late by another instance.
 */
export interface NewTrack {
  title: string;
  trackNumber: number;
  durationMs: number;
  status: TrackStatus;
  audioPath: string | null;
  audioMime: string | null;
}

async function nextCatalogVersion(tx: Tx): Promise<number> {
  const row = await tx
    .updateTable('catalog_state')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', 1)
    .returning('version')
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

/** Finds an artist by name (case-insensitive) or creates it. */
export async function findOrCreateArtist(ctx: ServerContext, tx: Tx, name: string): Promise<string> {
  const nameKey = name.trim().toLowerCase();
  const found = await tx
    .selectFrom('artists')
    .select('id')
    .where('name_key', '=', nameKey)
    .executeTakeFirst();
  if (found) return found.id;
  const id = uuidv7();
  await tx
    .insertInto('artists')
    .values({ id, name: name.trim(), name_key: nameKey, created_at: ctx.clock.nowMs() })
    .execute();
  return id;
}

export async function createRelease(
  ctx: ServerContext,
  tx: Tx,
  artistId: string,
  title: string,
  tracks: Array<NewTrack & { id?: string }>,
  status: 'published' | 'draft' = 'published',
): Promise<{ releaseId: string; trackIds: string[] }> {
  await tx.selectFrom('artists').select('id').where('id', '=', artistId).executeTakeFirstOrThrow();
  const releaseId = uuidv7();
  const now = ctx.clock.nowMs();
  await tx
    .insertInto('releases')
    .values({ id: releaseId, artist_id: artistId, title, created_at: now, status, status_changed_at: now })
    .execute();
  const trackIds = await insertTracks(ctx, tx, releaseId, tracks);
  return { releaseId, trackIds };
}

/** Adds tracks to a release, under the next catalog version. */
export async function insertTracks(
  ctx: ServerContext,
  tx: Tx,
  releaseId: string,
  tracks: Array<NewTrack & { id?: string }>,
): Promise<string[]> {
  const trackIds = tracks.map((t) => t.id ?? uuidv7());
  if (!tracks.length) return trackIds;
  const release = await tx
    .selectFrom('releases')
    .innerJoin('artists', 'artists.id', 'releases.artist_id')
    .select(['releases.artist_id', 'releases.title', 'artists.name'])
    .where('releases.id', '=', releaseId)
    .executeTakeFirstOrThrow();
  const now = ctx.clock.nowMs();
  const version = await nextCatalogVersion(tx);
  await tx
    .insertInto('tracks')
    .values(
      tracks.map((t, i) => ({
        id: trackIds[i]!,
        release_id: releaseId,
        artist_id: release.artist_id,
        title: t.title,
        track_number: t.trackNumber,
        duration_ms: t.durationMs,
        audio_path: t.audioPath,
        audio_mime: t.audioMime,
        status: t.status,
        search_text: `${t.title} ${release.name} ${release.title}`.toLowerCase(),
        version,
        created_at: now,
      })),
    )
    .execute();
  return trackIds;
}

/**
 * Publishes or unpublishes a release. Its tracks take the next catalog
 * version, so devices pulling the catalog see the change (an unpublished
 * track comes with `published: false`). Nothing else changes: plays,
 * ledger, ownership and files stay as they are.
 */
export async function setReleaseStatus(
  ctx: ServerContext,
  tx: Tx,
  releaseId: string,
  status: 'published' | 'unpublished',
): Promise<void> {
  const version = await nextCatalogVersion(tx);
  await tx
    .updateTable('releases')
    .set({ status, status_changed_at: ctx.clock.nowMs() })
    .where('id', '=', releaseId)
    .execute();
  await tx.updateTable('tracks').set({ version }).where('release_id', '=', releaseId).execute();
}

export async function setTrackStatus(tx: Tx, trackId: string, status: TrackStatus): Promise<boolean> {
  const version = await nextCatalogVersion(tx);
  const result = await tx
    .updateTable('tracks')
    .set({ status, version })
    .where('id', '=', trackId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
