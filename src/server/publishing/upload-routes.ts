import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import type { ServerContext } from '../context';
import { ApiError } from '../http/errors';
import { route, type AnyRoute } from '../http/route';
import { idParams, ownRelease, ownUpload, partPath, uploadRow, uploadView, uploadViewSchema } from './views';

const announceBody = z.object({
  fileName: z.string().trim().min(1).max(300),
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('bytes'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  title: z
    .string()
    .trim()
    .min(1)
    .max(300)
    .optional()
    .describe("default: the file's title tag, else its name"),
  trackNumber: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .describe("default: the file's track number tag"),
  status: z.enum(['paid', 'free']).default('paid'),
});

/** POST /v1/publishing/releases/:id/uploads */
export function createUploadRoute(ctx: ServerContext): AnyRoute {
  return route({
    method: 'POST',
    url: '/v1/publishing/releases/:id/uploads',
    summary: 'Announce an audio file of a draft: its name, size and SHA-256; then PATCH its bytes',
    tag: 'publishing',
    access: 'user',
    params: idParams,
    body: announceBody,
    response: uploadViewSchema,
    successStatus: 201,
    handler: async ({ user, params, body, reply }) => {
      const { db } = ctx.store;
      const release = await ownRelease(ctx, user, params.id);
      if (release.status !== 'draft')
        throw new ApiError(409, 'not_a_draft', 'files can be added to a draft release only');
      if (body.size > ctx.config.upload.maxFileBytes)
        throw new ApiError(
          413,
          'file_too_large',
          `files are limited to ${ctx.config.upload.maxFileBytes} bytes`,
        );
      const count = await db
        .selectFrom('uploads')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('release_id', '=', params.id)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= ctx.config.upload.maxUploadsPerRelease)
        throw new ApiError(
          409,
          'too_many_uploads',
          `a release has at most ${ctx.config.upload.maxUploadsPerRelease} files`,
        );
      const id = uuidv7();
      await mkdir(join(ctx.mediaDir, 'uploads'), { recursive: true });
      await writeFile(partPath(ctx, id), '');
      const now = ctx.clock.nowMs();
      await db
        .insertInto('uploads')
        .values({
          id,
          release_id: params.id,
          user_id: user.id,
          file_name: body.fileName,
          title: body.title ?? null,
          track_number: body.trackNumber ?? null,
          track_status: body.status,
          size: body.size,
          sha256: body.sha256,
          received: 0,
          state: 'receiving',
          reject_reason: null,
          duration_ms: null,
          audio_path: null,
          audio_mime: null,
          track_id: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      void reply
        .header('Location', `/v1/publishing/uploads/${id}`)
        .header('Upload-Offset', '0')
        .header('Upload-Length', String(body.size));
      return uploadView((await uploadRow(ctx, id))!);
    },
  });
}

/** HEAD /v1/publishing/uploads/:id (registered before GET: Fastify would otherwise derive HEAD from GET). */
export function uploadOffsetRoute(ctx: ServerContext): AnyRoute {
  return route({
    method: 'HEAD',
    url: '/v1/publishing/uploads/:id',
    summary: 'The offset to resume an upload from (Upload-Offset, Upload-Length headers)',
    tag: 'publishing',
    access: 'user',
    params: idParams,
    handler: async ({ user, params, reply }) => {
      const { upload } = await ownUpload(ctx, user, params.id);
      return reply
        .status(200)
        .headers({
          'Upload-Offset': String(upload.received),
          'Upload-Length': String(upload.size),
          'Upload-State': upload.state,
          'Cache-Control': 'no-store',
        })
        .send();
    },
  });
}

/** GET /v1/publishing/uploads/:id */
export function getUploadRoute(ctx: ServerContext): AnyRoute {
  return route({
    method: 'GET',
    url: '/v1/publishing/uploads/:id',
    summary: 'An upload: offset, state, and the reason when the server rejected the file',
    tag: 'publishing',
    access: 'user',
    params: idParams,
    response: uploadViewSchema,
    handler: async ({ user, params }) => uploadView((await ownUpload(ctx, user, params.id)).upload),
  });
}

/** DELETE /v1/publishing/uploads/:id */
export function deleteUploadRoute(ctx: ServerContext): AnyRoute {
  return route({
    method: 'DELETE',
    url: '/v1/publishing/uploads/:id',
    summary: 'Remove a file from a draft (e.g. one the server rejected)',
    tag: 'publishing',
    access: 'user',
    params: idParams,
    handler: async ({ user, params }) => {
      const { upload, release } = await ownUpload(ctx, user, params.id);
      if (release.status !== 'draft')
        throw new ApiError(409, 'not_a_draft', 'files of a published release stay (unpublish instead)');
      await ctx.store.db.deleteFrom('uploads').where('id', '=', upload.id).execute();
      await rm(partPath(ctx, upload.id), { force: true });
      if (upload.audio_path) await rm(join(ctx.mediaDir, upload.audio_path), { force: true });
    },
  });
}
