import { nextMove, nextRepeat, previousMove, startPatch } from './queue-ops';
import type { PlayerSlice } from './types';

type PlaybackAction = 'toggle' | 'play' | 'pause' | 'next' | 'previous' | 'seek' | 'seekBy' | 'cycleRepeat';

/** The transport: play and pause (the user's intention, the engine follows it), next/previous, seek, repeat. */
export const createPlaybackSlice: PlayerSlice<PlaybackAction> = (set, get) => {
  const start = (index: number) => set((s) => startPatch(s, index));
  /** Play with nothing current starts the queue's first entry, if any; false when there is a current one. */
  const startFirstIfNone = () => {
    const s = get();
    if (s.index >= 0) return false;
    if (s.queue.length > 0) start(0);
    return true;
  };
  return {
    toggle() {
      if (!startFirstIfNone()) set((s) => ({ wantPlaying: !s.wantPlaying }));
    },
    play() {
      if (!startFirstIfNone()) set({ wantPlaying: true });
    },
    pause() {
      set({ wantPlaying: false });
    },
    next(auto = false) {
      const s = get();
      const move = nextMove(s.queue.length, s.index, s.repeat, auto);
      if (move === 'stop') set({ wantPlaying: false, status: 'paused', positionMs: 0 });
      else if (move !== null) start(move);
    },
    previous() {
      const s = get();
      const move = previousMove(s.queue.length, s.index, s.positionMs, s.repeat);
      if (move === 'restart') get().seek(0);
      else if (move !== null) start(move);
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
    cycleRepeat() {
      set((s) => ({ repeat: nextRepeat(s.repeat) }));
    },
  };
};

/** Volume and mute as the user sets them (the engine applies and saves them). */
export const createSoundSlice: PlayerSlice<'setVolume' | 'toggleMute'> = (set) => ({
  setVolume(volume) {
    set({ volume: Math.max(0, Math.min(1, volume)), muted: false });
  },
  toggleMute() {
    set((s) => ({ muted: !s.muted }));
  },
});

/** The queue panel and the notices the user dismisses. */
export const createPanelSlice: PlayerSlice<'setQueueOpen' | 'dismissPreview' | 'dismissChargeNotice'> = (
  set,
) => ({
  setQueueOpen(open) {
    set({ queueOpen: open });
  },
  dismissPreview() {
    set({ preview: null });
  },
  dismissChargeNotice() {
    set({ chargeNotice: null });
  },
});
