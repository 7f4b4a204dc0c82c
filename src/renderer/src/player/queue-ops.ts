import type { Stream2OwnState } from '../../../shared/contract/wallet';
import type { PlayableTrack } from './track';
import type { PlayerState, QueueItem, RepeatMode } from './types';

// The player's queue rules as plain functions of plain values: the store's actions apply them.

let keySeq = 0;
/** New queue entries: each gets its own key, so the same track twice is two entries. */
export const toItems = (tracks: PlayableTrack[]): QueueItem[] =>
  tracks.map((track) => ({ key: `q${++keySeq}`, track }));

export function shuffled<T>(items: T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** How far into a track "previous" restarts it instead of going back. */
export const RESTART_THRESHOLD_MS = 3_000;

/**
 * The state change that (re)starts the entry at `index` from its beginning, playing, for the engine
 * (a new `startToken`). `patch` goes over it; the duration shown until the element knows it is read
 * from the queue as it was before this change.
 */
export function startPatch(
  s: PlayerState,
  index: number,
  patch: Partial<PlayerState> = {},
): Partial<PlayerState> {
  return {
    index,
    startToken: s.startToken + 1,
    status: 'loading',
    wantPlaying: true,
    positionMs: 0,
    // The queue being started: a patch that brings a new queue starts in it, not in the old one.
    durationMs: (patch.queue ?? s.queue)[index]?.track.durationMs ?? 0,
    error: null,
    preview: null,
    heardMs: null,
    counted: false,
    resumeAtMs: null,
    ...patch,
  };
}

/** Where "next" goes: the index to start, 'stop' (the queue played out: pause at 0), or null (nothing to do). */
export function nextMove(
  length: number,
  index: number,
  repeat: RepeatMode,
  auto: boolean,
): number | 'stop' | null {
  if (length === 0) return null;
  // Repeat one replays the track when it ends; a press of next still moves on.
  if (auto && repeat === 'one') return index;
  if (index + 1 < length) return index + 1;
  if (repeat === 'all' || (!auto && repeat === 'one')) return 0;
  return auto ? 'stop' : null;
}

/** Where "previous" goes: the index to start, 'restart' (seek the current track to 0), or null with nothing loaded. */
export function previousMove(
  length: number,
  index: number,
  positionMs: number,
  repeat: RepeatMode,
): number | 'restart' | null {
  if (index < 0) return null;
  const early = positionMs <= RESTART_THRESHOLD_MS;
  if (early && index > 0) return index - 1;
  return early && index === 0 && repeat === 'all' ? length - 1 : 'restart';
}

export function nextRepeat(repeat: RepeatMode): RepeatMode {
  return repeat === 'off' ? 'all' : repeat === 'all' ? 'one' : 'off';
}

/** A new queue of `items` starting at `first`, shuffled: that one plays first, the others follow in some order. */
export function shuffledStart(items: QueueItem[], first: number): Pick<PlayerState, 'queue' | 'unshuffled'> {
  const rest = items.filter((_, i) => i !== first);
  return { queue: [items[first]!, ...shuffled(rest)], unshuffled: rest };
}

/** Shuffle on: only what is still to come is reordered; its order before is kept to put back. */
export function shuffleRest(queue: QueueItem[], index: number): Pick<PlayerState, 'queue' | 'unshuffled'> {
  const rest = queue.slice(index + 1);
  return { queue: [...queue.slice(0, index + 1), ...shuffled(rest)], unshuffled: rest };
}

/**
 * Shuffle off: what is still to come goes back to its order before, without what was removed since;
 * entries added since follow it.
 */
export function unshuffleRest(
  queue: QueueItem[],
  index: number,
  unshuffled: QueueItem[] | null,
): QueueItem[] {
  const rest = queue.slice(index + 1);
  const left = new Set(rest.map((i) => i.key));
  const original = (unshuffled ?? []).filter((i) => left.has(i.key));
  const known = new Set(original.map((i) => i.key));
  return [...queue.slice(0, index + 1), ...original, ...rest.filter((i) => !known.has(i.key))];
}

/** Moves one entry; the current one stays current wherever it ends up. Null when `from` or `to` is out of range. */
export function moveEntry(
  queue: QueueItem[],
  index: number,
  from: number,
  to: number,
): Pick<PlayerState, 'queue' | 'index'> | null {
  if (from === to || from < 0 || to < 0 || from >= queue.length || to >= queue.length) return null;
  const moved = queue.slice();
  const [item] = moved.splice(from, 1);
  moved.splice(to, 0, item!);
  let current = index;
  if (from === index) current = to;
  else if (from < index && to >= index) current -= 1;
  else if (from > index && to <= index) current += 1;
  return { queue: moved, index: current };
}

/** The queue with a track's new stream-to-own state on each of its entries. */
export function withStream2own(
  queue: QueueItem[],
  source: 'local' | 'coop',
  trackId: string,
  state: Stream2OwnState,
): QueueItem[] {
  return queue.map((item) =>
    item.track.source === source && item.track.id === trackId
      ? { ...item, track: { ...item.track, stream2own: state } }
      : item,
  );
}
