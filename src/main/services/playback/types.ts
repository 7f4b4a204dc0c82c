/**
 * What the renderer may tell the listening guard: the audio element's events,
 * named after them. The renderer only reports; the guard decides.
 */
export const PLAYER_EVENTS = ['playing', 'paused', 'seeked', 'timeupdate', 'ratechange', 'ended', 'error'] as const;
export type PlayerEventKind = (typeof PLAYER_EVENTS)[number];

export type TrackSource = 'local' | 'coop';

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

/** Why a report was not taken as evidence of listening. Each is logged. */
export const REPORT_REJECTIONS = [
  'unknown_session', // no such session, or one this process never handed out
  'session_closed', // the session was replaced by a newer one or closed
  'session_ended', // the track ended or failed; a replay is a new session
  'preview_ended', // the 45-second preview is over; the session plays no further
  'track_mismatch', // the report names another track than the session's
  'out_of_order', // seq not greater than the last accepted one (late or replayed)
  'flooding', // more reports than any audio element sends
  'position_jump', // the position moved further than the clock allows without a seek: counts as a seek, adds nothing
] as const;
export type ReportRejection = (typeof REPORT_REJECTIONS)[number];

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
