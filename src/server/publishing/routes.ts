import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import { coopTrackIdSchema } from '../../shared/receipt';
import { assertRightsholderOrAdmin, trackSchema, trackViews } from '../catalog/routes';
import { insertTracks, setReleaseStatus } from '../catalog/store';
import type { ServerContext } from '../context';
import type { ReleaseStatus } from '../db/schema';
import { inTransaction } from '../db/transaction';
import { ApiError, notFound } from '../http/errors';
import { route, type AnyRoute } from '../http/route';
import { checkAudioFile } from './check-audio';

/**
 * Publishing from the app: a rightsholder creates a draft release for an
 * artist profile they hold, uploads each audio file resumably, and
 * publishes; later they may unpublish.
 *
 * Uploads follow tus's core protocol in spirit: create with the declared
 * size and SHA-256, then `PATCH` chunks (`Content-Type:
 * application/offset+octet-stream`) starting at `Upload-Offset`, which must
 * equal the bytes the server has; `HEAD` answers that offset, so a client
 * that lost its connection asks and continues from there. A chunk cut off
 * in the middle keeps the bytes that arrived. When the last byte is in, the
 * server checks the whole file itself — the SHA-256, then music-metadata
 * (`check-audio.ts`) — and accepts it or rejects it with a reason.
 *
 * State is in the database (any instance may take the next chunk); bytes
 * are in `<media>/uploads/` (shared between instances, like all media).
 * Every step checks that the caller holds the release's artist (or is an
 * admin).
 */
export const OFFSET_CONTENT_TYPE = 'application/offset+octet-stream';

const uploadViewSchema = z.object({
  id: z.string(),
  releaseId: z.string(),
  fileName: z.string(),
  title: z.string().nullable(),
  trackNumber: z.number().int().nullable(),
  status: z.enum(['paid', 'free']).describe('the track status it gets when published'),
  size: z.number().int(),
  offset: z.number().int().describe('bytes received; the next PATCH starts here'),
  state: z.enum(['receiving', 'accepted', 'rejected']),
  rejectReason: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  mime: z.string().nullable(),
  trackId: z.string().nullable(),
});
type UploadView = z.infer<typeof uploadViewSchema>;

const releaseViewSchema = z.object({
  id: z.string(),
  artistId: z.string(),
  title: z.string(),
  status: z.enum(['draft', 'published', 'unpublished']),
  uploads: z.array(uploadViewSchema),
  tracks: z.array(trackSchema),
});

const partPath = (ctx: ServerContext, uploadId: string) => join(ctx.mediaDir, 'uploads', `${uploadId}.part`);

export function publishingRoutes(ctx: ServerContext): AnyRoute[] {
  const { db } = ctx.store;

  async function uploadRow(id: string) {
    return db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
  }
  const view = (u: NonNullable<Awaited<ReturnType<typeof uploadRow>>>): UploadView => ({
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

  /** The release, after checking the caller holds its artist. */
  async function ownRelease(user: { id: string; role: string }, releaseId: string) {
    const release = await db.selectFrom('releases').selectAll().where('id', '=', releaseId).executeTakeFirst();
    if (!release) throw notFound('release');
    await assertRightsholderOrAdmin(ctx, user, release.artist_id);
    return release;
  }
  /** The upload and its release, after checking the caller holds the release's artist. */
  async function ownUpload(user: { id: string; role: string }, uploadId: string) {
    const upload = await uploadRow(uploadId);
    if (!upload) throw notFound('upload');
    const release = await ownRelease(user, upload.release_id);
    return { upload, release };
  }
  async function releaseView(releaseId: string) {
    const release = await db.selectFrom('releases').selectAll().where('id', '=', releaseId).executeTakeFirstOrThrow();
    const uploads = await db.selectFrom('uploads').selectAll().where('release_id', '=', releaseId).orderBy('created_at').orderBy('id').execute();
    return {
      id: release.id,
      artistId: release.artist_id,
      title: release.title,
      status: release.status as ReleaseStatus,
      uploads: uploads.map(view),
      tracks: await trackViews(ctx, { releaseId, limit: 10_000 }),
    };
  }

  /** The last byte is in: check the file and accept or reject it. Runs once (guarded by state). */
  async function complete(uploadId: string): Promise<void> {
    const upload = (await uploadRow(uploadId))!;
    const file = partPath(ctx, uploadId);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    const sha256 = hash.digest('hex');
    let verdict: { state: 'accepted' | 'rejected'; reason: string | null; durationMs?: number; mime?: string; audioPath?: string; title?: string | null; trackNumber?: number | null };
    if (sha256 !== upload.sha256) {
      verdict = { state: 'rejected', reason: `checksum_mismatch: the file's SHA-256 is ${sha256}, not the declared ${upload.sha256}` };
    } else {
      const audio = await checkAudioFile(file);
      if (!audio.ok) verdict = { state: 'rejected', reason: `${audio.reason}: ${audio.message}` };
      else {
        const audioPath = `uploads/${uploadId}${audio.ext}`;
        await rename(file, join(ctx.mediaDir, audioPath));
        verdict = { state: 'accepted', reason: null, durationMs: audio.durationMs, mime: audio.mime, audioPath, title: audio.title, trackNumber: audio.trackNumber };
      }
    }
    if (verdict.state === 'rejected') await rm(file, { force: true });
    await db
      .updateTable('uploads')
      .set({
        state: verdict.state,
        reject_reason: verdict.reason,
        duration_ms: verdict.durationMs ?? null,
        audio_mime: verdict.mime ?? null,
        audio_path: verdict.audioPath ?? null,
        // The app's title and number win; the file's tags fill the gaps.
        title: upload.title ?? verdict.title ?? basename(upload.file_name, extname(upload.file_name)),
        track_number: upload.track_number ?? verdict.trackNumber ?? null,
        updated_at: ctx.clock.nowMs(),
      })
      .where('id', '=', uploadId)
      .where('state', '=', 'receiving')
      .execute();
  }

  const releaseParams = z.object({ id: coopTrackIdSchema });
  return [
    route({
      method: 'POST',
      url: '/v1/publishing/releases',
      summary: 'Create a draft release for an artist profile you hold',
      tag: 'publishing',
      access: 'user',
      body: z.object({ artistId: coopTrackIdSchema, title: z.string().trim().min(1).max(300) }),
      response: releaseViewSchema,
      successStatus: 201,
      handler: async ({ user, body }) => {
        const artist = await db.selectFrom('artists').select('id').where('id', '=', body.artistId).executeTakeFirst();
        if (!artist) throw notFound('artist');
        await assertRightsholderOrAdmin(ctx, user, body.artistId);
        const id = uuidv7();
        const now = ctx.clock.nowMs();
        await db.insertInto('releases').values({ id, artist_id: body.artistId, title: body.title, created_at: now, status: 'draft', status_changed_at: now }).execute();
        return releaseView(id);
      },
    }),
    route({
      method: 'GET',
      url: '/v1/publishing/releases/:id',
      summary: 'A release you hold, with its uploads and tracks',
      tag: 'publishing',
      access: 'user',
      params: releaseParams,
      response: releaseViewSchema,
      handler: async ({ user, params }) => {
        await ownRelease(user, params.id);
        return releaseView(params.id);
      },
    }),
    route({
      method: 'POST',
      url: '/v1/publishing/releases/:id/uploads',
      summary: 'Announce an audio file of a draft: its name, size and SHA-256; then PATCH its bytes',
      tag: 'publishing',
      access: 'user',
      params: releaseParams,
      body: z.object({
        fileName: z.string().trim().min(1).max(300),
        size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('bytes'),
        sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
        title: z.string().trim().min(1).max(300).optional().describe('default: the file\'s title tag, else its name'),
        trackNumber: z.number().int().min(1).max(10_000).optional().describe("default: the file's track number tag"),
        status: z.enum(['paid', 'free']).default('paid'),
      }),
      response: uploadViewSchema,
      successStatus: 201,
      handler: async ({ user, params, body, reply }) => {
        const release = await ownRelease(user, params.id);
        if (release.status !== 'draft') throw new ApiError(409, 'not_a_draft', 'files can be added to a draft release only');
        if (body.size > ctx.config.upload.maxFileBytes) throw new ApiError(413, 'file_too_large', `files are limited to ${ctx.config.upload.maxFileBytes} bytes`);
        const count = await db.selectFrom('uploads').select((eb) => eb.fn.countAll().as('n')).where('release_id', '=', params.id).executeTakeFirstOrThrow();
        if (Number(count.n) >= ctx.config.upload.maxUploadsPerRelease) throw new ApiError(409, 'too_many_uploads', `a release has at most ${ctx.config.upload.maxUploadsPerRelease} files`);
        const id = uuidv7();
        await mkdir(join(ctx.mediaDir, 'uploads'), { recursive: true });
        await writeFile(partPath(ctx, id), '');
        const now = ctx.clock.nowMs();
        await db
          .insertInto('uploads')
          .values({
            id, release_id: params.id, user_id: user.id, file_name: body.fileName, title: body.title ?? null, track_number: body.trackNumber ?? null,
            track_status: body.status, size: body.size, sha256: body.sha256, received: 0, state: 'receiving', reject_reason: null,
            duration_ms: null, audio_path: null, audio_mime: null, track_id: null, created_at: now, updated_at: now,
          })
          .execute();
        void reply.header('Location', `/v1/publishing/uploads/${id}`).header('Upload-Offset', '0').header('Upload-Length', String(body.size));
        return view((await uploadRow(id))!);
      },
    }),
    // HEAD before GET: Fastify would otherwise derive HEAD from GET.
    route({
      method: 'HEAD',
      url: '/v1/publishing/uploads/:id',
      summary: 'The offset to resume an upload from (Upload-Offset, Upload-Length headers)',
      tag: 'publishing',
      access: 'user',
      params: releaseParams,
      handler: async ({ user, params, reply }) => {
        const { upload } = await ownUpload(user, params.id);
        return reply
          .status(200)
          .headers({ 'Upload-Offset': String(upload.received), 'Upload-Length': String(upload.size), 'Upload-State': upload.state, 'Cache-Control': 'no-store' })
          .send();
      },
    }),
    route({
      method: 'GET',
      url: '/v1/publishing/uploads/:id',
      summary: 'An upload: offset, state, and the reason when the server rejected the file',
      tag: 'publishing',
      access: 'user',
      params: releaseParams,
      response: uploadViewSchema,
      handler: async ({ user, params }) => view((await ownUpload(user, params.id)).upload),
    }),
    route({
      method: 'PATCH',
      url: '/v1/publishing/uploads/:id',
      summary: `Append a chunk at Upload-Offset (Content-Type ${OFFSET_CONTENT_TYPE}); the last chunk triggers the server's check of the file`,
      tag: 'publishing',
      access: 'user',
      params: releaseParams,
      response: uploadViewSchema,
      handler: async ({ user, params, request, reply }) => {
        const { upload, release } = await ownUpload(user, params.id);
        if (release.status !== 'draft') throw new ApiError(409, 'not_a_draft', 'the release is no longer a draft');
        if (upload.state !== 'receiving') throw new ApiError(409, 'upload_closed', `the upload is already ${upload.state}`);
        const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (contentType !== OFFSET_CONTENT_TYPE) throw new ApiError(415, 'unsupported_media_type', `chunks are sent as ${OFFSET_CONTENT_TYPE}`);
        const offsetHeader = request.headers['upload-offset'];
        if (typeof offsetHeader !== 'string' || !/^\d{1,15}$/.test(offsetHeader)) throw new ApiError(400, 'invalid_input', 'Upload-Offset must be a whole number of bytes');
        const offset = Number(offsetHeader);
        if (offset !== upload.received) {
          void reply.header('Upload-Offset', String(upload.received));
          throw new ApiError(409, 'offset_mismatch', `the server has ${upload.received} bytes; send from there (HEAD tells the offset)`);
        }
        const room = Math.min(ctx.config.upload.maxChunkBytes, upload.size - offset);
        const declared = request.headers['content-length'] === undefined ? null : Number(request.headers['content-length']);
        if (declared !== null && declared > ctx.config.upload.maxChunkBytes) {
          throw new ApiError(413, 'body_too_large', `a chunk is at most ${ctx.config.upload.maxChunkBytes} bytes`);
        }
        if (declared !== null && declared > upload.size - offset) throw new ApiError(400, 'beyond_length', 'the chunk goes past the declared file size');

        // Write what arrives at the offset; keep it even if the connection drops midway.
        const body = request.body as Readable;
        const file = await open(partPath(ctx, upload.id), 'r+');
        let written = 0;
        let failure: ApiError | null = null;
        try {
          for await (const piece of body) {
            const bytes = piece as Buffer;
            if (written + bytes.length > room) {
              failure =
                written + bytes.length > upload.size - offset
                  ? new ApiError(400, 'beyond_length', 'the chunk goes past the declared file size')
                  : new ApiError(413, 'body_too_large', `a chunk is at most ${ctx.config.upload.maxChunkBytes} bytes`);
              break;
            }
            await file.write(bytes, 0, bytes.length, offset + written);
            written += bytes.length;
          }
        } catch {
          // The client went away mid-chunk: the bytes that arrived count.
        } finally {
          await file.close();
        }
        // Another request may have advanced the same upload meanwhile: only one wins.
        const advanced = written
          ? await db.updateTable('uploads').set({ received: offset + written, updated_at: ctx.clock.nowMs() }).where('id', '=', upload.id).where('received', '=', offset).executeTakeFirst()
          : null;
        if (advanced && Number(advanced.numUpdatedRows) !== 1) throw new ApiError(409, 'offset_mismatch', 'another request wrote to this upload at the same offset');
        if (failure) throw failure;
        if (offset + written === upload.size) await complete(upload.id);
        const now = (await uploadRow(upload.id))!;
        void reply.header('Upload-Offset', String(now.received));
        return view(now);
      },
    }),
    route({
      method: 'DELETE',
      url: '/v1/publishing/uploads/:id',
      summary: 'Remove a file from a draft (e.g. one the server rejected)',
      tag: 'publishing',
      access: 'user',
      params: releaseParams,
      handler: async ({ user, params }) => {
        const { upload, release } = await ownUpload(user, params.id);
        if (release.status !== 'draft') throw new ApiError(409, 'not_a_draft', 'files of a published release stay (unpublish instead)');
        await db.deleteFrom('uploads').where('id', '=', upload.id).execute();
        await rm(partPath(ctx, upload.id), { force: true });
        if (upload.audio_path) await rm(join(ctx.mediaDir, upload.audio_path), { force: true });
      },
    }),
    route({
      method: 'POST',
      url: '/v1/publishing/releases/:id/publish',
      summary: 'Publish a draft (every file accepted) or re-publish an unpublished release; per-track paid/free may be set here',
      tag: 'publishing',
      access: 'user',
      params: releaseParams,
      body: z
        .object({ tracks: z.array(z.object({ uploadId: z.string().max(128), status: z.enum(['paid', 'free']) })).max(1000).optional() })
        .default({}),
      response: releaseViewSchema,
      handler: async ({ user, params, body }) => {
        const release = await ownRelease(user, params.id);
        if (release.status === 'published') throw new ApiError(409, 'already_published', 'the release is published');
        if (release.status === 'unpublished') {
          await inTransaction(ctx.store, (tx) => setReleaseStatus(ctx, tx, release.id, 'published'));
          return releaseView(release.id);
        }
        const uploads = await db.selectFrom('uploads').selectAll().where('release_id', '=', release.id).orderBy('created_at').orderBy('id').execute();
        if (!uploads.length) throw new ApiError(409, 'no_files', 'upload at least one file first');
        const notReady = uploads.filter((u) => u.state !== 'accepted');
        if (notReady.length) {
          throw new ApiError(
            409,
            'uploads_not_ready',
            'every file must be uploaded and accepted (remove rejected ones)',
            notReady.map((u) => ({ path: u.id, message: u.state === 'rejected' ? `rejected: ${u.reject_reason}` : `${u.received} of ${u.size} bytes received` })),
          );
        }
        const statusOf = new Map((body.tracks ?? []).map((t) => [t.uploadId, t.status]));
        for (const id of statusOf.keys()) if (!uploads.some((u) => u.id === id)) throw new ApiError(400, 'invalid_input', `no upload ${id} in this release`);
        // Tracks in the files' (or the app's) numbering, then upload order.
        const ordered = uploads.map((u, i) => ({ u, n: u.track_number ?? i + 1 }));
        await inTransaction(ctx.store, async (tx) => {
          // Publish once even if two requests race: the draft → published step is conditional.
          const claimed = await tx.updateTable('releases').set({ status: 'published', status_changed_at: ctx.clock.nowMs() }).where('id', '=', release.id).where('status', '=', 'draft').executeTakeFirst();
          if (Number(claimed.numUpdatedRows) !== 1) throw new ApiError(409, 'already_published', 'the release was published meanwhile');
          const trackIds = await insertTracks(
            ctx,
            tx,
            release.id,
            ordered.map(({ u, n }) => ({
              title: u.title ?? u.file_name,
              trackNumber: n,
              durationMs: u.duration_ms!,
              status: statusOf.get(u.id) ?? u.track_status,
              audioPath: u.audio_path,
              audioMime: u.audio_mime,
            })),
          );
          for (const [i, { u }] of ordered.entries()) await tx.updateTable('uploads').set({ track_id: trackIds[i]! }).where('id', '=', u.id).execute();
        });
        return releaseView(release.id);
      },
    }),
    route({
      method: 'POST',
      url: '/v1/publishing/releases/:id/unpublish',
      summary: 'Take a release out of the catalog; plays, earnings and listeners\' ownership stay (owners keep streaming)',
      tag: 'publishing',
      access: 'user',
      params: releaseParams,
      response: releaseViewSchema,
      handler: async ({ user, params }) => {
        const release = await ownRelease(user, params.id);
        if (release.status !== 'published') throw new ApiError(409, 'not_published', `the release is ${release.status}`);
        await inTransaction(ctx.store, (tx) => setReleaseStatus(ctx, tx, release.id, 'unpublished'));
        return releaseView(release.id);
      },
    }),
  ];
}
