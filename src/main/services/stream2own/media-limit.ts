import { existsSync, statSync } from 'node:fs';
import { COUNT_THRESHOLD_MS } from '../../../shared/pricing';
import { contentTypeFor, type MediaFile } from '../media/media-router';
import { stream2OwnState } from '../wallet/charge-rules';
import type { GuardedParts } from './parts';

/**
 * What an uncounted co-op session may fetch while the wallet cannot pay the
 * play (a preview): the first 45 s of audio plus this margin, in proportion
 * of the file's bytes to the track's duration, plus a fixed allowance for
 * the container's headers. An unknown size is taken as 320 kbit/s.
 */
export const PREVIEW_MEDIA_MARGIN_MS = 15_000;
export const PREVIEW_MEDIA_HEADER_BYTES = 64 * 1024;
const UNKNOWN_SIZE_BYTES_PER_SECOND = 40_000;

/**
 * The bytes a co-op session may fetch now: null (no cap) once it counted,
 * or when the play is free (owned, own track, free, short) or the wallet
 * covers it; else about the first 45 s of audio plus a margin.
 */
export function mediaLimit(
  p: GuardedParts,
  trackId: string,
  sessionId: string | null,
  sizeBytes: number | null,
): number | null {
  const live = sessionId ? p.guard.liveSession(sessionId) : p.guard.liveSessionOf('coop', trackId);
  if (!live || live.source !== 'coop' || live.trackId !== trackId || live.counted) return null;
  const track = p.catalog.get(trackId);
  if (!track) return null;
  const state = stream2OwnState(track, track.progress, p.wallet.balances().spendableThousandths);
  if (state.freeReason !== null || !state.previewOnly) return null;
  const audioMs = COUNT_THRESHOLD_MS + PREVIEW_MEDIA_MARGIN_MS;
  const limit =
    sizeBytes === null
      ? PREVIEW_MEDIA_HEADER_BYTES + Math.ceil((audioMs / 1000) * UNKNOWN_SIZE_BYTES_PER_SECOND)
      : PREVIEW_MEDIA_HEADER_BYTES + Math.ceil((sizeBytes * audioMs) / Math.max(track.durationMs, audioMs));
  return sizeBytes !== null && limit >= sizeBytes ? null : limit;
}

/**
 * For the `track` media resolver: the co-op file, only for the live session
 * of that track, with the byte cap of an uncounted preview (`limitBytes`).
 */
export function coopFile(p: GuardedParts, trackId: string, sessionId: string): MediaFile | null {
  const live = p.guard.liveSession(sessionId);
  if (!live || live.source !== 'coop' || live.trackId !== trackId) return null;
  const file = p.catalog.get(trackId)?.localFile ?? null;
  if (!file || !existsSync(file)) return null;
  const limit = mediaLimit(p, trackId, sessionId, statSync(file).size);
  return { file, contentType: contentTypeFor(file), ...(limit !== null ? { limitBytes: limit } : {}) };
}
