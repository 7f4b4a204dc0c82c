import { create } from 'zustand';
import type { Stream2OwnState } from '../../../shared/contract/wallet';
import type { PlayableTrack } from './track';

export type RepeatMode = 'off' | 'all' | 'one';
export type PlaybackStatus = 'idle' | 'loading' | 'playing' | 'paused' | 'error';

/** One entry of the queue; `key` tells two entries of the same track apart. */
export interface QueueItem {
  key: string;
  track: PlayableTrack;
}

/** The stream-to-own prompt shown when a play was only a preview. */
export interface PreviewPrompt {
  trackId: string;
  title: string;
  priceThousandths: number;
  spendableThousandths: number;
  remainingToOwnThousandths: number;
}

/** A brief, quiet notice that a play was just charged (stream to own). */
export interface ChargeNotice {
  /** Bumped per notice, so the same play twice shows twice. */
  id: number;
  title: string;
  chargeThousandths: number;
  /** 1…9: which paid play this was. */
  paidPlayNumber: number;
}

export interface PlayerState {
  queue: QueueItem[];
  /** Index of the current entry in `queue`, -1 when nothing is loaded. */
  index: number;
  /** Bumped whenever the current entry must be (re)started from its beginning. */
  startToken: number;
  status: PlaybackStatus;
  /** Whether the user wants sound; the engine follows it. */
  wantPlaying: boolean;
  positionMs: number;
  durationMs: number;
  /** Where the current entry starts instead of 0 (a queue restored at start-up), for the engine; null: from the beginning. */
  resumeAtMs: number | null;
  /** A seek the engine should perform, then clear. */
  seekRequest: { positionMs: number; token: number } | null;
  volume: number;
  muted: boolean;
  shuffle: boolean;
  repeat: RepeatMode;
  /** The order of the rest of the queue before shuffle, to restore it. */
  unshuffled: QueueItem[] | null;
  error: string | null;
  preview: PreviewPrompt | null;
  /**
   * How much of the current play the main process counts as heard (its
   * answer to the last report); null before its first answer or for a host
   * without the listening guard. Drives the free-preview countdown.
   */
  heardMs: number | null;
  /** The current play was counted (charged, free or local). */
  counted: boolean;
  chargeNotice: ChargeNotice | null;
  queueOpen: boolean;
}

export interface PlayerActions {
  /** Puts back a saved queue, its current entry at `positionMs`, paused (never playing). */
  restore(tracks: PlayableTrack[], index: number, positionMs: number): void;
  /** Replaces the queue with these tracks and plays the one at `start`. */
  playTracks(tracks: PlayableTrack[], start?: number): void;
  playAt(index: number): void;
  toggle(): void;
  play(): void;
  pause(): void;
  next(auto?: boolean): void;
  previous(): void;
  seek(positionMs: number): void;
  seekBy(deltaMs: number): void;
  setVolume(volume: number): void;
  toggleMute(): void;
  toggleShuffle(): void;
  cycleRepeat(): void;
  addToQueue(tracks: PlayableTrack[]): void;
  playNext(tracks: PlayableTrack[]): void;
  move(from: number, to: number): void;
  remove(index: number): void;
  clearQueue(): void;
  setQueueOpen(open: boolean): void;
  dismissPreview(): void;
  dismissChargeNotice(): void;
  /** Engine callbacks. */
  engine: {
    status(status: PlaybackStatus, error?: string | null): void;
    time(positionMs: number, durationMs: number): void;
    preview(prompt: PreviewPrompt): void;
    ended(): void;
    seekDone(): void;
    initVolume(volume: number, muted: boolean): void;
    /** The main process told us a track's new stream-to-own state. */
    stream2own(source: 'local' | 'coop', trackId: string, state: Stream2OwnState): void;
    /** The main process's heard time for the current play. */
    heard(heardMs: number): void;
    /** The current play was counted; `charge` when it was a paid play. */
    counted(charge: Omit<ChargeNotice, 'id'> | null): void;
  };
}

let keySeq = 0;
const toItems = (tracks: PlayableTrack[]): QueueItem[] =>
  tracks.map((track) => ({ key: `q${++keySeq}`, track }));

function shuffled<T>(items: T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** How far into a track "previous" restarts it instead of going back. */
const RESTART_THRESHOLD_MS = 3_000;

/**
 * The player's state and the user's intentions. The audio elements live in
 * the engine (`engine.ts`), which follows this store and reports back through
 * `engine.*`; components only read the store and call its actions.
 */
export const usePlayer = create<PlayerState & PlayerActions>((set, get) => {
  const start = (index: number, patch: Partial<PlayerState> = {}) =>
    set((s) => ({
      index,
      startToken: s.startToken + 1,
      status: 'loading',
      wantPlaying: true,
      positionMs: 0,
      durationMs: s.queue[index]?.track.durationMs ?? 0,
      error: null,
      preview: null,
      heardMs: null,
      counted: false,
      resumeAtMs: null,
      ...patch,
    }));

  return {
    queue: [],
    index: -1,
    startToken: 0,
    status: 'idle',
    wantPlaying: false,
    positionMs: 0,
    durationMs: 0,
    seekRequest: null,
    resumeAtMs: null,
    volume: 0.8,
    muted: false,
    shuffle: false,
    repeat: 'off',
    unshuffled: null,
    error: null,
    preview: null,
    heardMs: null,
    counted: false,
    chargeNotice: null,
    queueOpen: false,

    restore(tracks, index, positionMs) {
      if (tracks.length === 0 || get().queue.length > 0) return;
      const items = toItems(tracks);
      if (index < 0 || index >= items.length) return set({ queue: items, index: -1 });
      start(index, {
        queue: items,
        unshuffled: null,
        wantPlaying: false,
        status: 'paused',
        positionMs,
        resumeAtMs: positionMs,
      });
    },
    playTracks(tracks, startAt = 0) {
      if (tracks.length === 0) return;
      const items = toItems(tracks);
      const first = Math.min(Math.max(0, startAt), items.length - 1);
      if (get().shuffle) {
        const current = items[first]!;
        const rest = items.filter((_, i) => i !== first);
        start(0, { queue: [current, ...shuffled(rest)], unshuffled: rest });
      } else {
        start(first, { queue: items, unshuffled: null });
      }
    },
    playAt(index) {
      if (index >= 0 && index < get().queue.length) start(index);
    },
    toggle() {
      const s = get();
      if (s.index < 0) {
        if (s.queue.length > 0) start(0);
        return;
      }
      set({ wantPlaying: !s.wantPlaying });
    },
    play() {
      const s = get();
      if (s.index < 0) {
        if (s.queue.length > 0) start(0);
      } else set({ wantPlaying: true });
    },
    pause() {
      set({ wantPlaying: false });
    },
    next(auto = false) {
      const s = get();
      if (s.queue.length === 0) return;
      if (auto && s.repeat === 'one') return start(s.index);
      if (s.index + 1 < s.queue.length) return start(s.index + 1);
      if (s.repeat === 'all' || (!auto && s.repeat === 'one')) return start(0);
      if (auto) set({ wantPlaying: false, status: 'paused', positionMs: 0 });
    },
    previous() {
      const s = get();
      if (s.index < 0) return;
      if (s.positionMs > RESTART_THRESHOLD_MS || s.index === 0) {
        if (s.index === 0 && s.repeat === 'all' && s.positionMs <= RESTART_THRESHOLD_MS)
          return start(s.queue.length - 1);
        return get().seek(0);
      }
      start(s.index - 1);
    },
    seek(positionMs) {
      const s = get();
      if (s.index < 0) return;
      const clamped = Math.max(0, Math.min(positionMs, s.durationMs || positionMs));
      set({
        seekRequest: { positionMs: clamped, token: (s.seekRequest?.token ?? 0) + 1 },
        positionMs: clamped,
      });
    },
    seekBy(deltaMs) {
      get().seek(get().positionMs + deltaMs);
    },
    setVolume(volume) {
      set({ volume: Math.max(0, Math.min(1, volume)), muted: false });
    },
    toggleMute() {
      set((s) => ({ muted: !s.muted }));
    },
    toggleShuffle() {
      const s = get();
      const head = s.queue.slice(0, s.index + 1);
      const rest = s.queue.slice(s.index + 1);
      if (!s.shuffle) set({ shuffle: true, unshuffled: rest, queue: [...head, ...shuffled(rest)] });
      else {
        // Restore the original order of what is left, keeping entries added since.
        const left = new Set(rest.map((i) => i.key));
        const original = (s.unshuffled ?? []).filter((i) => left.has(i.key));
        const known = new Set(original.map((i) => i.key));
        set({
          shuffle: false,
          unshuffled: null,
          queue: [...head, ...original, ...rest.filter((i) => !known.has(i.key))],
        });
      }
    },
    cycleRepeat() {
      set((s) => ({ repeat: s.repeat === 'off' ? 'all' : s.repeat === 'all' ? 'one' : 'off' }));
    },
    addToQueue(tracks) {
      const s = get();
      const wasEmpty = s.queue.length === 0;
      set({ queue: [...s.queue, ...toItems(tracks)] });
      if (wasEmpty && tracks.length > 0) set({ index: -1 });
    },
    playNext(tracks) {
      const s = get();
      const at = s.index + 1;
      set({ queue: [...s.queue.slice(0, at), ...toItems(tracks), ...s.queue.slice(at)] });
    },
    move(from, to) {
      const s = get();
      if (from === to || from < 0 || to < 0 || from >= s.queue.length || to >= s.queue.length) return;
      const queue = s.queue.slice();
      const [item] = queue.splice(from, 1);
      queue.splice(to, 0, item!);
      let index = s.index;
      if (from === s.index) index = to;
      else if (from < s.index && to >= s.index) index -= 1;
      else if (from > s.index && to <= s.index) index += 1;
      set({ queue, index });
    },
    remove(index) {
      const s = get();
      if (index < 0 || index >= s.queue.length) return;
      const queue = s.queue.filter((_, i) => i !== index);
      if (index === s.index) {
        if (queue.length === 0)
          return set({ queue, index: -1, status: 'idle', wantPlaying: false, positionMs: 0, durationMs: 0 });
        const next = Math.min(index, queue.length - 1);
        set({ queue });
        return start(next, { wantPlaying: s.wantPlaying });
      }
      set({ queue, index: index < s.index ? s.index - 1 : s.index });
    },
    clearQueue() {
      const s = get();
      // The playing track stays; everything else goes.
      const current = s.queue[s.index];
      set({ queue: current ? [current] : [], index: current ? 0 : -1, unshuffled: null });
    },
    setQueueOpen(open) {
      set({ queueOpen: open });
    },
    dismissPreview() {
      set({ preview: null });
    },
    dismissChargeNotice() {
      set({ chargeNotice: null });
    },
    engine: {
      status: (status, error = null) => set({ status, error }),
      time: (positionMs, durationMs) => set({ positionMs, durationMs }),
      preview: (prompt) => set({ preview: prompt, wantPlaying: false }),
      ended: () => get().next(true),
      seekDone: () => set({ seekRequest: null }),
      heard: (heardMs) => set({ heardMs }),
      counted: (charge) =>
        set((s) => ({
          counted: true,
          chargeNotice: charge ? { ...charge, id: (s.chargeNotice?.id ?? 0) + 1 } : s.chargeNotice,
        })),
      initVolume: (volume, muted) => set({ volume, muted }),
      stream2own: (source, trackId, state) =>
        set((s) => ({
          queue: s.queue.map((item) =>
            item.track.source === source && item.track.id === trackId
              ? { ...item, track: { ...item.track, stream2own: state } }
              : item,
          ),
        })),
    },
  };
});

export const currentItem = (s: PlayerState): QueueItem | null => s.queue[s.index] ?? null;
