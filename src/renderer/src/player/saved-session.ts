import type { PlayerSession, SavedTrack } from '../../../shared/contract/player-session';
import { MAX_SAVED_QUEUE } from '../../../shared/contract/player-session';
import type { PlayerState } from './store';
import type { PlayableTrack } from './track';

/** What the main process keeps of the player (`playerSession.*`), and back. */
export const toSaved = ({ stream2own: _state, ...track }: PlayableTrack): SavedTrack => track;
/** The stream-to-own state is the main process's: it comes back with the track's next `player.open`. */
export const fromSaved = (track: SavedTrack): PlayableTrack => ({ ...track, stream2own: null });

export function sessionOf(s: Pick<PlayerState, 'queue' | 'index' | 'positionMs'>): PlayerSession {
  // A huge queue keeps the part around the current entry.
  const from =
    s.queue.length > MAX_SAVED_QUEUE ? Math.max(0, Math.min(s.index, s.queue.length - MAX_SAVED_QUEUE)) : 0;
  const queue = s.queue.slice(from, from + MAX_SAVED_QUEUE).map((i) => toSaved(i.track));
  const index = s.index < 0 ? -1 : s.index - from;
  return { queue, index, positionMs: Math.max(0, Math.round(s.positionMs)) };
}
