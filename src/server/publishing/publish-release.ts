import { insertTracks, setReleaseStatus } from '../catalog/store';
import type { ServerContext } from '../context';
import { inTransaction } from '../db/transaction';
import { ApiError } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { publishing } from '../../shared/server-api';
import { ownRelease, releaseUploads, releaseView, type UploadRow } from './views';

/** Every file of the draft, each accepted; else 409 naming those that are not. */
async function acceptedUploads(ctx: ServerContext, releaseId: string): Promise<UploadRow[]> {
  const uploads = await releaseUploads(ctx, releaseId);
  if (!uploads.length) throw new ApiError(409, 'no_files', 'upload at least one file first');
  const notReady = uploads.filter((u) => u.state !== 'accepted');
  if (notReady.length) {
    throw new ApiError(
      409,
      'uploads_not_ready',
      'every file must be uploaded and accepted (remove rejected ones)',
      notReady.map((u) => ({
        path: u.id,
        message:
          u.state === 'rejected'
            ? `rejected: ${u.reject_reason}`
            : `${u.received} of ${u.size} bytes received`,
      })),
    );
  }
  return uploads;
}

/** The draft becomes published with one track per upload, once even if two requests race. */
async function publishDraft(
  ctx: ServerContext,
  releaseId: string,
  uploads: UploadRow[],
  statusOf: Map<string, 'paid' | 'free'>,
): Promise<void> {
  // Tracks in the files' (or the app's) numbering, then upload order.
  const ordered = uploads.map((u, i) => ({ u, n: u.track_number ?? i + 1 }));
  await inTransaction(ctx.store, async (tx) => {
    // Publish once even if two requests race: the draft → published step is conditional.
    const claimed = await tx
      .updateTable('releases')
      .set({ status: 'published', status_changed_at: ctx.clock.nowMs() })
      .where('id', '=', releaseId)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1)
      throw new ApiError(409, 'already_published', 'the release was published meanwhile');
    const trackIds = await insertTracks(
      ctx,
      tx,
      releaseId,
      ordered.map(({ u, n }) => ({
        title: u.title ?? u.file_name,
        trackNumber: n,
        durationMs: u.duration_ms!,
        status: statusOf.get(u.id) ?? u.track_status,
        audioPath: u.audio_path,
        audioMime: u.audio_mime,
      })),
    );
    for (const [i, { u }] of ordered.entries())
      await tx.updateTable('uploads').set({ track_id: trackIds[i]! }).where('id', '=', u.id).execute();
  });
}

/** POST /v1/publishing/releases/:id/publish */
export function publishReleaseRoute(ctx: ServerContext): AnyRoute {
  return implement(publishing.publishRelease, {
    handler: async ({ user, params, body }) => {
      const release = await ownRelease(ctx, user, params.id);
      if (release.status === 'published')
        throw new ApiError(409, 'already_published', 'the release is published');
      if (release.status === 'unpublished') {
        await inTransaction(ctx.store, (tx) => setReleaseStatus(ctx, tx, release.id, 'published'));
        return releaseView(ctx, release.id);
      }
      const uploads = await acceptedUploads(ctx, release.id);
      const statusOf = new Map((body.tracks ?? []).map((t) => [t.uploadId, t.status]));
      for (const id of statusOf.keys())
        if (!uploads.some((u) => u.id === id))
          throw new ApiError(400, 'invalid_input', `no upload ${id} in this release`);
      await publishDraft(ctx, release.id, uploads, statusOf);
      return releaseView(ctx, release.id);
    },
  });
}
