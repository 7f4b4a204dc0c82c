import { moveEntry, shuffledStart, shuffleRest, startPatch, toItems, unshuffleRest } from './queue-ops';
import type { PlayerSlice } from './types';

/** Filling the queue: a saved one put back, a new one played, tracks added after the current one or at the end. */
export const createQueueFillSlice: PlayerSlice<
  'restore' | 'playTracks' | 'playAt' | 'addToQueue' | 'playNext'
> = (set, get) => ({
  restore(tracks, index, positionMs) {
    if (tracks.length === 0 || get().queue.length > 0) return;
    const queue = toItems(tracks);
    if (index < 0 || index >= queue.length) return set({ queue, index: -1 });
    const paused = { wantPlaying: false, status: 'paused', positionMs, resumeAtMs: positionMs } as const;
    set((s) => startPatch(s, index, { queue, unshuffled: null, ...paused }));
  },
  playTracks(tracks, startAt = 0) {
    if (tracks.length === 0) return;
    const items = toItems(tracks);
    const first = Math.min(Math.max(0, startAt), items.length - 1);
    if (get().shuffle) set((s) => startPatch(s, 0, shuffledStart(items, first)));
    else set((s) => startPatch(s, first, { queue: items, unshuffled: null }));
  },
  playAt(index) {
    if (index >= 0 && index < get().queue.length) set((s) => startPatch(s, index));
  },
  addToQueue(tracks) {
    const s = get();
    const wasEmpty = s.queue.length === 0;
    set({ queue: [...s.queue, ...toItems(tracks)] });
    // Added to an empty queue: nothing plays until play.
    if (wasEmpty && tracks.length > 0) set({ index: -1 });
  },
  playNext(tracks) {
    const s = get();
    const at = s.index + 1;
    set({ queue: [...s.queue.slice(0, at), ...toItems(tracks), ...s.queue.slice(at)] });
  },
});

/** Editing the queue: move, remove, clear, shuffle what is still to come. */
export const createQueueEditSlice: PlayerSlice<'move' | 'remove' | 'clearQueue' | 'toggleShuffle'> = (
  set,
  get,
) => ({
  move(from, to) {
    const s = get();
    const moved = moveEntry(s.queue, s.index, from, to);
    if (moved) set(moved);
  },
  remove(index) {
    const s = get();
    if (index < 0 || index >= s.queue.length) return;
    const queue = s.queue.filter((_, i) => i !== index);
    if (index !== s.index) return set({ queue, index: index < s.index ? s.index - 1 : s.index });
    if (queue.length === 0)
      return set({ queue, index: -1, status: 'idle', wantPlaying: false, positionMs: 0, durationMs: 0 });
    // The current one went: the one after it starts (the one before when it was last), playing or paused as it was.
    set({ queue });
    set((after) => startPatch(after, Math.min(index, queue.length - 1), { wantPlaying: s.wantPlaying }));
  },
  clearQueue() {
    const s = get();
    // The playing track stays; everything else goes.
    const current = s.queue[s.index];
    set({ queue: current ? [current] : [], index: current ? 0 : -1, unshuffled: null });
  },
  toggleShuffle() {
    const s = get();
    if (!s.shuffle) set({ shuffle: true, ...shuffleRest(s.queue, s.index) });
    else set({ shuffle: false, unshuffled: null, queue: unshuffleRest(s.queue, s.index, s.unshuffled) });
  },
});
