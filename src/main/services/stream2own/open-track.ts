import { existsSync } from 'node:fs';
import type { CallOutput } from '../../../shared/contract';
import { CallError } from '../../../shared/contract/define';
import { COUNT_THRESHOLD_MS } from '../../../shared/pricing';
import { coopTrackMediaPath, localTrackMediaPath } from '../media/track-media';
import { isVisibleTrack } from '../wallet/catalog-store';
import { stream2OwnState } from '../wallet/charge-rules';
import { UNPUBLISHED_MESSAGE, type GuardedParts } from './parts';

/**
 * Opens a guard session for a co-op track. `streamed`: the caller (the sync
 * domain) has checked the server will stream it, so no file is needed here;
 * the media path then resolves to the remote audio while there is no file.
 */
export function openCoop(p: GuardedParts, trackId: string, streamed: boolean): CallOutput<'player.open'> {
  const track = p.catalog.get(trackId);
  if (!track) throw new CallError('not_found', 'That track is not in the co-op catalog on this device.');
  if (!isVisibleTrack(track)) throw new CallError('not_found', UNPUBLISHED_MESSAGE);
  if (!streamed && (!track.localFile || !existsSync(track.localFile))) {
    throw new CallError('unavailable', 'That track has not been downloaded to this device.');
  }
  // One free preview per window, not per session: what was heard of this track before is carried on.
  const heardBeforeMs = p.previews.heardMs(p.listener(), trackId, p.serverClock.nowMs());
  const session = p.guard.open({ source: 'coop', trackId, durationMs: track.durationMs, heardBeforeMs });
  const mediaPath = coopTrackMediaPath(trackId, session.sessionId);
  return {
    sessionId: session.sessionId,
    mediaPath,
    mediaUrl: p.deps.mediaUrl(mediaPath),
    track: {
      source: 'coop',
      trackId,
      title: track.title,
      artist: track.artist,
      album: track.album,
      durationMs: track.durationMs,
    },
    stream2own: stream2OwnState(track, track.progress, p.wallet.balances().spendableThousandths),
  };
}

/** Opens a guard session for a file of the user's library (counted, never charged). */
export function openLocal(p: GuardedParts, trackId: string): CallOutput<'player.open'> {
  const { local } = p.deps;
  if (!local) throw new CallError('unavailable', 'There is no local library in this host.');
  if (!/^\d{1,15}$/.test(trackId)) throw new CallError('not_found', 'No such local track.');
  const playable = local.getPlayableFile(Number(trackId));
  if (!playable)
    throw new CallError('not_found', 'That track is not in the library or its file is not on disk now.');
  // An unknown duration (0) is counted like a long track: at 45 s heard.
  const durationMs = playable.durationMs > 0 ? Math.round(playable.durationMs) : COUNT_THRESHOLD_MS;
  const session = p.guard.open({ source: 'local', trackId, durationMs });
  const mediaPath = localTrackMediaPath(Number(trackId));
  return {
    sessionId: session.sessionId,
    mediaPath,
    mediaUrl: p.deps.mediaUrl(mediaPath),
    track: { source: 'local', trackId, title: null, artist: null, album: null, durationMs },
    stream2own: null,
  };
}
