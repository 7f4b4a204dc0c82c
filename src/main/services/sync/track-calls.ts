import { existsSync } from 'node:fs';
import { CallError } from '../../../shared/contract/define';
import type { CallHandlers } from '../core/dispatcher';
import type { RemoteMedia } from '../media/media-router';
import { UNPUBLISHED_MESSAGE } from '../stream2own/domain';
import { isVisibleTrack } from '../wallet/catalog-store';
import type { RawAnswer, RawRequestInit } from './api-client';
import { callError, connection, withServer } from './connection';
import type { SyncParts } from './sync-parts';

/** `visible`: also refuse an unpublished track the listener does not own (the server would answer 403 unpublished). */
export function requireTrack(p: SyncParts, trackId: string, options: { visible?: boolean } = {}): void {
  const track = p.deps.stream2own.catalog.get(trackId);
  if (!track) throw new CallError('not_found', 'That track is not in the co-op catalog on this device.');
  if (options.visible && !isVisibleTrack(track)) throw new CallError('not_found', UNPUBLISHED_MESSAGE);
}

/** `coop.trackDetails`: the release it belongs to, its audio and download, what buying the release costs. */
export function trackDetails(p: SyncParts, trackId: string) {
  requireTrack(p, trackId);
  const meta = p.store.trackMeta(trackId);
  return {
    trackId,
    releaseId: meta?.releaseId ?? null,
    releaseTitle: meta?.releaseTitle ?? null,
    artistId: meta?.artistId ?? null,
    hasAudio: meta?.hasAudio ?? p.downloads.fileOf(trackId) !== null,
    download: p.downloads.fileOf(trackId) ? p.downloads.entry(trackId) : null,
    releaseRemainingToOwnThousandths: meta
      ? p.store.releaseRemainingToOwn(
          meta.releaseId,
          p.deps.stream2own.wallet.balances().spendableThousandths,
        )
      : null,
  };
}

/** Starts the background download of a track not on this device and waits until the server answers with its audio. */
async function beginStream(p: SyncParts, trackId: string): Promise<void> {
  await withServer(p, 'stream this track, which is not downloaded to this device', async (api) => {
    const pending = p.downloads.begin(trackId, api);
    pending.done.then(
      (entry) =>
        p.log.info({ trackId: entry.trackId, sizeBytes: entry.sizeBytes }, 'downloaded a streamed track'),
      (error: unknown) =>
        p.log.warn({ err: error, trackId }, 'the background download failed; the next play streams it again'),
    );
    await pending.started;
  });
}

/**
 * Wraps stream to own's `player.open`. A downloaded co-op track opens as
 * its file. One that is not on this device is **streamed**: its download
 * starts in the background (into the cache, for replays and offline), and
 * once the server has answered with the audio (so it is reachable and will
 * serve this account) the session opens at once; its media path resolves to
 * the server's audio with the account's token (`remoteAudio`) until the file
 * is in. Offline or signed out, such a track is `unavailable`. The guard's
 * rules are the same either way: the renderer reports what it played.
 */
export function wrapPlayerOpen(p: SyncParts, open: CallHandlers['player.open']): CallHandlers['player.open'] {
  const { stream2own } = p.deps;
  return async (input) => {
    let streamed = false;
    const track = input.source === 'coop' ? stream2own.catalog.get(input.trackId) : undefined;
    if (track) {
      // Before any download starts: an unpublished track plays only for its owners (and rightsholders).
      if (!isVisibleTrack(track)) throw new CallError('not_found', UNPUBLISHED_MESSAGE);
      if (!track.localFile || !existsSync(track.localFile)) {
        if (p.store.trackMeta(input.trackId)?.hasAudio === false)
          throw new CallError('unavailable', 'The co-op has no audio for this track yet.');
        await beginStream(p, input.trackId);
        // A small file on a fast line may be in already: then it opens as a file.
        streamed = p.downloads.fileOf(input.trackId) === null;
      } else p.downloads.touch(input.trackId);
    }
    const opened = streamed ? stream2own.openCoopStream(input.trackId) : await open(input);
    if (input.source === 'coop') p.openSessions.set(opened.sessionId, input.trackId);
    return opened;
  };
}

/**
 * The server's audio of a co-op track with the signed-in session's token,
 * for the `track` media resolver (only asked for a live session of a track
 * that is not downloaded). Null when signed out: the media path answers 404.
 */
export async function remoteAudio(p: SyncParts, trackId: string): Promise<RemoteMedia | null> {
  let conn;
  try {
    conn = await connection(p);
  } catch {
    return null;
  }
  // An uncounted preview may fetch only about its first 45 s (docs/listening-guard.md).
  const limit = p.deps.stream2own.coopMediaLimit(trackId, p.downloads.sizeOf(trackId));
  return {
    kind: 'remote',
    ...conn.api.audioSource(trackId),
    contentType: 'application/octet-stream',
    ...(limit !== null ? { limitBytes: limit } : {}),
  };
}

/**
 * For other domains (the artist's publishing and earnings): one request to
 * the signed-in account's server with its session token. Not signed in:
 * `CallError('unavailable')`; network trouble: `SyncApiError` (retryable);
 * any HTTP status is answered, not thrown. A 401 is answered too: the next
 * sync notices the ended session.
 */
export async function authenticatedRequest(
  p: SyncParts,
  method: string,
  path: string,
  init?: RawRequestInit,
): Promise<RawAnswer> {
  let conn;
  try {
    conn = await connection(p);
  } catch (error) {
    throw callError(error, 'reach the co-op server');
  }
  return conn.api.raw(method, path, init);
}
