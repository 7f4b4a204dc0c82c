import { create } from 'zustand';
import { createEngineSlice } from './engine-slice';
import { createPanelSlice, createPlaybackSlice, createSoundSlice } from './playback-slice';
import { createQueueEditSlice, createQueueFillSlice } from './queue-slice';
import type { PlayerState, PlayerStore, QueueItem } from './types';

export type {
  ChargeNotice,
  PlaybackStatus,
  PlayerActions,
  PlayerState,
  PreviewPrompt,
  QueueItem,
  RepeatMode,
} from './types';

/** Nothing queued, nothing playing, nothing shown. */
const initialState: PlayerState = {
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
};

/**
 * The player's state and the user's intentions. The audio elements live in
 * the engine (`engine.ts`), which follows this store and reports back through
 * `engine.*`; components only read the store and call its actions. Each group
 * of actions is a slice; the queue rules they apply are `queue-ops.ts`.
 */
export const usePlayer = create<PlayerStore>()((...a) => ({
  ...initialState,
  ...createQueueFillSlice(...a),
  ...createQueueEditSlice(...a),
  ...createPlaybackSlice(...a),
  ...createSoundSlice(...a),
  ...createPanelSlice(...a),
  ...createEngineSlice(...a),
}));

export const currentItem = (s: PlayerState): QueueItem | null => s.queue[s.index] ?? null;
