import type { StateCreator } from 'zustand';
import type { Stream2OwnState } from '../../../shared/contract/wallet';
import type { PlayableTrack } from './track';

// The player store's shapes (`store.ts` re-exports them), apart so its slices share them without an import cycle.

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

/** The whole store: its state and the actions that change it. */
export type PlayerStore = PlayerState & PlayerActions;

/** One part of the store: some of its actions, given the whole store's `set` and `get` (zustand's slice pattern). */
export type PlayerSlice<K extends keyof PlayerActions> = StateCreator<
  PlayerStore,
  [],
  [],
  Pick<PlayerActions, K>
>;
