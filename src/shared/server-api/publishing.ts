import { z } from 'zod';
import { coopTrackIdSchema } from '../receipt';
import { releaseViewSchema, uploadViewSchema } from './answers';
import { serverRoute } from './define';

/** The content type of an upload chunk (tus's). */
export const OFFSET_CONTENT_TYPE = 'application/offset+octet-stream';

/** `:id` of a release or an upload. */
const idParams = z.object({ id: coopTrackIdSchema });

export const createDraftRelease = serverRoute({
  method: 'POST',
  path: '/v1/publishing/releases',
  summary: 'Create a draft release for an artist profile you hold',
  tag: 'publishing',
  access: 'user',
  body: z.object({ artistId: coopTrackIdSchema, title: z.string().trim().min(1).max(300) }),
  answer: releaseViewSchema,
  successStatus: 201,
  errors: ['not_found', 'forbidden'],
});

export const getPublishingRelease = serverRoute({
  method: 'GET',
  path: '/v1/publishing/releases/:id',
  summary: 'A release you hold, with its uploads and tracks',
  tag: 'publishing',
  access: 'user',
  params: idParams,
  answer: releaseViewSchema,
  errors: ['not_found', 'forbidden'],
});

export const createUpload = serverRoute({
  method: 'POST',
  path: '/v1/publishing/releases/:id/uploads',
  summary: 'Announce an audio file of a draft: its name, size and SHA-256; then PATCH its bytes',
  tag: 'publishing',
  access: 'user',
  params: idParams,
  body: z.object({
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
  }),
  answer: uploadViewSchema,
  successStatus: 201,
  errors: ['not_found', 'forbidden', 'not_a_draft', 'file_too_large', 'too_many_uploads'],
});

/** Registered before GET: Fastify would otherwise derive HEAD from GET. */
export const uploadOffset = serverRoute({
  method: 'HEAD',
  path: '/v1/publishing/uploads/:id',
  summary: 'The offset to resume an upload from (Upload-Offset, Upload-Length headers)',
  tag: 'publishing',
  access: 'user',
  params: idParams,
  errors: ['not_found', 'forbidden'],
});

export const getUpload = serverRoute({
  method: 'GET',
  path: '/v1/publishing/uploads/:id',
  summary: 'An upload: offset, state, and the reason when the server rejected the file',
  tag: 'publishing',
  access: 'user',
  params: idParams,
  answer: uploadViewSchema,
  errors: ['not_found', 'forbidden'],
});

export const appendChunk = serverRoute({
  method: 'PATCH',
  path: '/v1/publishing/uploads/:id',
  summary: `Append a chunk at Upload-Offset (Content-Type ${OFFSET_CONTENT_TYPE}); the last chunk triggers the server's check of the file`,
  tag: 'publishing',
  access: 'user',
  params: idParams,
  answer: uploadViewSchema,
  errors: [
    'not_found',
    'forbidden',
    'not_a_draft',
    'upload_closed',
    'unsupported_media_type',
    'invalid_input',
    'offset_mismatch',
    'body_too_large',
    'beyond_length',
  ],
});

export const deleteUpload = serverRoute({
  method: 'DELETE',
  path: '/v1/publishing/uploads/:id',
  summary: 'Remove a file from a draft (e.g. one the server rejected)',
  tag: 'publishing',
  access: 'user',
  params: idParams,
  errors: ['not_found', 'forbidden', 'not_a_draft'],
});

export const publishRelease = serverRoute({
  method: 'POST',
  path: '/v1/publishing/releases/:id/publish',
  summary:
    'Publish a draft (every file accepted) or re-publish an unpublished release; per-track paid/free may be set here',
  tag: 'publishing',
  access: 'user',
  params: idParams,
  body: z
    .object({
      tracks: z
        .array(z.object({ uploadId: z.string().max(128), status: z.enum(['paid', 'free']) }))
        .max(1000)
        .optional(),
    })
    .default({}),
  answer: releaseViewSchema,
  errors: ['not_found', 'forbidden', 'already_published', 'no_files', 'uploads_not_ready'],
});

export const unpublishRelease = serverRoute({
  method: 'POST',
  path: '/v1/publishing/releases/:id/unpublish',
  summary:
    "Take a release out of the catalog; plays, earnings and listeners' ownership stay (owners keep streaming)",
  tag: 'publishing',
  access: 'user',
  params: idParams,
  answer: releaseViewSchema,
  errors: ['not_found', 'forbidden', 'not_published'],
});
