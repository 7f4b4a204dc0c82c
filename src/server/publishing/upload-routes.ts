import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { ServerContext } from '../context';
import { ApiError } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { publishing } from '../../shared/server-api';
import { ownRelease, ownUpload, partPath, uploadRow, uploadView } from './views';

/** POST /v1/publishing/releases/:id/uploads */
export function createUploadRoute(ctx: ServerContext): AnyRoute {
  return implement(publishing.createUpload, {
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
  return implement(publishing.uploadOffset, {
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
  return implement(publishing.getUpload, {
    handler: async ({ user, params }) => uploadView((await ownUpload(ctx, user, params.id)).upload),
  });
}

/** DELETE /v1/publishing/uploads/:id */
export function deleteUploadRoute(ctx: ServerContext): AnyRoute {
  return implement(publishing.deleteUpload, {
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
