import type { ServerContext } from '../context';
import type { AnyRoute } from '../http/route';
import { appendChunkRoute } from './append-chunk';
import { publishReleaseRoute } from './publish-release';
import { createReleaseRoute, getReleaseRoute, unpublishReleaseRoute } from './release-routes';
import { createUploadRoute, deleteUploadRoute, getUploadRoute, uploadOffsetRoute } from './upload-routes';

export { OFFSET_CONTENT_TYPE } from './views';

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
 * (`check-audio.ts`) — and accepts it or rejects it with a reason
 * (`complete-upload.ts`).
 *
 * State is in the database (any instance may take the next chunk); bytes
 * are in `<media>/uploads/` (shared between instances, like all media).
 * Every step checks that the caller holds the release's artist (or is an
 * admin): `ownRelease` / `ownUpload` in `views.ts`.
 *
 * One route per function, its schemas beside its handler; this plugin only
 * lists them (docs/architecture.md, "Handlers").
 */
export function publishingRoutes(ctx: ServerContext): AnyRoute[] {
  return [
    createReleaseRoute(ctx),
    getReleaseRoute(ctx),
    createUploadRoute(ctx),
    // HEAD before GET: Fastify would otherwise derive HEAD from GET.
    uploadOffsetRoute(ctx),
    getUploadRoute(ctx),
    appendChunkRoute(ctx),
    deleteUploadRoute(ctx),
    publishReleaseRoute(ctx),
    unpublishReleaseRoute(ctx),
  ];
}
