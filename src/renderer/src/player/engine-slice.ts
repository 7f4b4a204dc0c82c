import { withStream2own } from './queue-ops';
import type { PlayerSlice } from './types';

/** What the audio engine (`engine.ts`) reports back: the element's status and time, the main process's answers. */
export const createEngineSlice: PlayerSlice<'engine'> = (set, get) => ({
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
      set((s) => ({ queue: withStream2own(s.queue, source, trackId, state) })),
  },
});
