import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { ApiError } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { publishing } from '../../shared/server-api';
import { completeUpload } from './complete-upload';
import { OFFSET_CONTENT_TYPE, ownUpload, partPath, uploadRow, uploadView, type UploadRow } from './views';

/** The chunk's headers against the upload: content type, Upload-Offset equal to the bytes held, declared length within bounds. */
function checkedOffset(
  ctx: ServerContext,
  upload: UploadRow,
  request: FastifyRequest,
  reply: FastifyReply,
): number {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== OFFSET_CONTENT_TYPE)
    throw new ApiError(415, 'unsupported_media_type', `chunks are sent as ${OFFSET_CONTENT_TYPE}`);
  const offsetHeader = request.headers['upload-offset'];
  if (typeof offsetHeader !== 'string' || !/^\d{1,15}$/.test(offsetHeader))
    throw new ApiError(400, 'invalid_input', 'Upload-Offset must be a whole number of bytes');
  const offset = Number(offsetHeader);
  if (offset !== upload.received) {
    void reply.header('Upload-Offset', String(upload.received));
    throw new ApiError(
      409,
      'offset_mismatch',
      `the server has ${upload.received} bytes; send from there (HEAD tells the offset)`,
    );
  }
  const declared =
    request.headers['content-length'] === undefined ? null : Number(request.headers['content-length']);
  if (declared !== null && declared > ctx.config.upload.maxChunkBytes) {
    throw new ApiError(413, 'body_too_large', `a chunk is at most ${ctx.config.upload.maxChunkBytes} bytes`);
  }
  if (declared !== null && declared > upload.size - offset)
    throw new ApiError(400, 'beyond_length', 'the chunk goes past the declared file size');
  return offset;
}

/** Writes what arrives at the offset and keeps it even if the connection drops midway; a chunk too long stops with its error. */
async function writeChunk(
  ctx: ServerContext,
  upload: UploadRow,
  offset: number,
  body: Readable,
): Promise<{ written: number; failure: ApiError | null }> {
  const room = Math.min(ctx.config.upload.maxChunkBytes, upload.size - offset);
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
            : new ApiError(
                413,
                'body_too_large',
                `a chunk is at most ${ctx.config.upload.maxChunkBytes} bytes`,
              );
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
  return { written, failure };
}

/** PATCH /v1/publishing/uploads/:id */
export function appendChunkRoute(ctx: ServerContext): AnyRoute {
  return implement(publishing.appendChunk, {
    handler: async ({ user, params, request, reply }) => {
      const { db } = ctx.store;
      const { upload, release } = await ownUpload(ctx, user, params.id);
      if (release.status !== 'draft')
        throw new ApiError(409, 'not_a_draft', 'the release is no longer a draft');
      if (upload.state !== 'receiving')
        throw new ApiError(409, 'upload_closed', `the upload is already ${upload.state}`);
      const offset = checkedOffset(ctx, upload, request, reply);
      const { written, failure } = await writeChunk(ctx, upload, offset, request.body as Readable);
      // Another request may have advanced the same upload meanwhile: only one wins.
      const advanced = written
        ? await db
            .updateTable('uploads')
            .set({ received: offset + written, updated_at: ctx.clock.nowMs() })
            .where('id', '=', upload.id)
            .where('received', '=', offset)
            .executeTakeFirst()
        : null;
      if (advanced && Number(advanced.numUpdatedRows) !== 1)
        throw new ApiError(409, 'offset_mismatch', 'another request wrote to this upload at the same offset');
      if (failure) throw failure;
      if (offset + written === upload.size) await completeUpload(ctx, upload.id);
      const now = (await uploadRow(ctx, upload.id))!;
      void reply.header('Upload-Offset', String(now.received));
      return uploadView(now);
    },
  });
}
