import type { DjList, DjTrack, TrackRef } from '../../../../shared/contract/dj';
import { callMutation } from '../../api/queries';
import { i18next } from '../../i18n';
import type { PlayableTrack } from '../../player/track';
import { useDjView } from './dj-store';

/**
 * Adds tracks to a crate or playlist and says what happened (duplicates are not added twice).
 * Called from drops and menus outside React, so through the shared mutation cache rather than
 * the `useCallMutation` hook; its invalidations are the same (api/invalidations.ts).
 */
export async function addToList(list: Pick<DjList, 'id' | 'name'>, refs: TrackRef[]): Promise<void> {
  const t = i18next.t.bind(i18next);
  const notice = useDjView.getState().setNotice;
  try {
    const result = await callMutation('dj.addItems', { listId: list.id, refs, beforeItemId: null });
    const parts =
      result.added > 0 || result.duplicates.length === 0
        ? [t('dj.added', { count: result.added, name: list.name })]
        : [];
    if (result.duplicates.length > 0) parts.push(t('dj.duplicates', { count: result.duplicates.length }));
    if (result.unknown.length > 0) parts.push(t('dj.unknown', { count: result.unknown.length }));
    notice({ kind: result.duplicates.length > 0 ? 'error' : 'ok', text: parts.join(' ') });
  } catch (error) {
    notice({ kind: 'error', text: t('dj.error', { message: (error as Error).message }) });
  }
}

export function trackLabel(track: DjTrack): string {
  return `${track.artist} – ${track.title}`;
}

/** A DJ row as the player queues it (co-op rows go through stream to own). */
export function fromDj(track: DjTrack): PlayableTrack {
  return {
    source: track.source,
    id: String(track.id),
    localId: track.source === 'local' ? track.id : null,
    title: track.title,
    artist: track.artist,
    album: track.album,
    albumId: track.albumId,
    artistId: track.artistId,
    durationMs: track.durationMs,
    coverPath: track.coverPath || null,
    mediaPath: track.mediaPath || null,
    stream2own: null,
  };
}

/** Lists that hold items (tracks can be added to them). */
export function isItemList(list: DjList): boolean {
  return list.kind === 'crate' || list.kind === 'playlist';
}
