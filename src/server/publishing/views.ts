import { join } from 'node:path';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { coopTrackIdSchema } from '../../shared/receipt';
import { releaseViewSchema, uploadViewSchema } from '../../shared/server-api/answers';
import { assertRightsholderOrAdmin, trackViews } from '../catalog/track-views';
import type { ServerContext } from '../context';
import type { ReleaseStatus, UploadsTable } from '../db/schema';
import { notFound } from '../http/errors';

/** What every publishing route shares: the answers' schemas, the upload's file, and the holder checks. */
// The wire contract's (src/shared/server-api): the app's client parses the same shapes.
export { OFFSET_CONTENT_TYPE } from '../../shared/server-api/publishing';
export { releaseViewSchema, uploadViewSchema };
type UploadView = z.infer<typeof uploadViewSchema>;
export type UploadRow = Selectable<UploadsTable>;

/** `:id` of a release or an upload. */
export const idParams = z.object({ id: coopTrackIdSchema });

export const partPath = (ctx: ServerContext, uploadId: string) =>
  join(ctx.mediaDir, 'uploads', `${uploadId}.part`);

export async function uploadRow(ctx: ServerContext, id: string): Promise<UploadRow | undefined> {
  return ctx.store.db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
}

export const uploadView = (u: UploadRow): UploadView => ({
  id: u.id,
  releaseId: u.release_id,
  fileName: u.file_name,
  title: u.title,
  trackNumber: u.track_number,
  status: u.track_status,
  size: u.size,
  offset: u.received,
  state: u.state,
  rejectReason: u.reject_reason,
  durationMs: u.duration_ms,
  mime: u.audio_mime,
  trackId: u.track_id,
});

type Caller = { id: string; role: string };

/** The release, after checking the caller holds its artist. */
export async function ownRelease(ctx: ServerContext, user: Caller, releaseId: string) {
  const release = await ctx.store.db
    .selectFrom('releases')
    .selectAll()
    .where('id', '=', releaseId)
    .executeTakeFirst();
  if (!release) throw notFound('release');
  await assertRightsholderOrAdmin(ctx, user, release.artist_id);
  return release;
}

/** The upload and its release, after checking the caller holds the release's artist. */
export async function ownUpload(ctx: ServerContext, user: Caller, uploadId: string) {
  const upload = await uploadRow(ctx, uploadId);
  if (!upload) throw notFound('upload');
  const release = await ownRelease(ctx, user, upload.release_id);
  return { upload, release };
}

/** A release's uploads in the order they were announced. */
export async function releaseUploads(ctx: ServerContext, releaseId: string): Promise<UploadRow[]> {
  return ctx.store.db
    .selectFrom('uploads')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function releaseView(ctx: ServerContext, releaseId: string) {
  const { db } = ctx.store;
  const release = await db
    .selectFrom('releases')
    .selectAll()
    .where('id', '=', releaseId)
    .executeTakeFirstOrThrow();
  const uploads = await releaseUploads(ctx, releaseId);
  return {
    id: release.id,
    artistId: release.artist_id,
    title: release.title,
    status: release.status as ReleaseStatus,
    uploads: uploads.map(uploadView),
    tracks: await trackViews(ctx, { releaseId, limit: 10_000 }),
  };
}
