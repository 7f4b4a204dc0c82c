import type { z } from 'zod';
import {
  playerEventSchema,
  reportRejectionSchema,
  type trackSourceSchema,
} from '../../../shared/contract/player';

/**
 * What the renderer may tell the listening guard: the audio element's events,
 * named after them (the contract's list). The renderer only reports; the guard decides.
 */
export const PLAYER_EVENTS = playerEventSchema.options;
export type PlayerEventKind = z.infer<typeof playerEventSchema>;

export type TrackSource = z.infer<typeof trackSourceSchema>;

export interface PlayerReport {
  sessionId: string;
  /** The track the renderer believes it is playing; must be the session's. */
  trackId: string;
  /** 1, 2, 3, … per session, in the order the renderer saw the events. */
  seq: number;
  event: PlayerEventKind;
  /** The audio element's currentTime, in ms. */
  positionMs: number;
  /** The audio element's playbackRate, when it is known. */
  rate?: number;
}

/** Why a report was not taken as evidence of listening (the contract's list; each is logged, see docs/listening-guard.md). */
export const REPORT_REJECTIONS = reportRejectionSchema.options;
export type ReportRejection = z.infer<typeof reportRejectionSchema>;

export interface ReportResult {
  accepted: boolean;
  reason?: ReportRejection;
  /** Listening time the guard has measured in this session so far. */
  heardMs: number;
  /** The play has been counted in this session (by this report or an earlier one). */
  counted: boolean;
  /** The renderer must stop playback now (the preview is over, or the count failed). */
  stop: boolean;
}

/** What the guard hands over when it counts a play; the charge is decided elsewhere. */
export interface CountedPlay {
  sessionId: string;
  source: TrackSource;
  trackId: string;
  durationMs: number;
  heardMs: number;
  /** Wall clock, ms since the epoch. */
  sessionStartedAtMs: number;
  countedAtMs: number;
}

/** The answer of whoever charges the play. */
export interface CountDecision {
  /** True when the play was only a preview: playback must stop here. */
  stopPlayback: boolean;
}
