import { protocol } from 'electron';
import { Readable } from 'node:stream';
import { fileResponse } from '../../node/file-range';
import { remoteRangeResponse } from '../../node/remote-range';
import { isRemoteMedia, RANGE_REFUSED, rangeWithinLimit } from '../services/media/media-router';
import type { AppServices } from '../services/app-services';

export const MEDIA_SCHEME = 'resonate-media';

/** Must run before the app is ready. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: MEDIA_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ]);
}

export const mediaUrl = (mediaPath: string): string => `${MEDIA_SCHEME}://media/${mediaPath}`;

/**
 * Serves `resonate-media://media/<media path>` by library id only: the
 * services' media router turns the path into a file; the renderer can never
 * name a file itself. Range requests are answered so audio can seek; a
 * co-op track that is not downloaded is streamed from the server (the
 * router's remote source, `src/node/remote-range.ts`).
 */
export function handleMediaProtocol(services: AppServices): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'media') return new Response('Not found', { status: 404 });
    const media = await services.media.resolveSource(url.pathname.slice(1));
    if (!media) return new Response('Not found', { status: 404 });
    // An uncounted preview is served only up to its cap (docs/listening-guard.md).
    const range = rangeWithinLimit(media, request.headers.get('range'));
    if (range === RANGE_REFUSED)
      return new Response(null, { status: 416, headers: { 'Cache-Control': 'no-store' } });
    if (isRemoteMedia(media)) {
      // Streamed from the co-op server with the token added here; the renderer never sees it.
      const remote = await remoteRangeResponse(media, range, { signal: request.signal });
      return new Response(remote.body, { status: remote.status, headers: remote.headers });
    }
    const answer = await fileResponse(media.file, media.contentType, range);
    const body = answer.body ? (Readable.toWeb(answer.body) as ReadableStream) : null;
    return new Response(body, { status: answer.status, headers: answer.headers });
  });
}
