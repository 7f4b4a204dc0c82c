import type { Stream2OwnState } from '../../../shared/contract/wallet';
import { COUNT_THRESHOLD_MS } from '../../../shared/pricing';

/**
 * The free-preview countdown of a co-op play: how many seconds are left of
 * the 45 free seconds before the play is charged (`charge`) or, when the
 * balance does not cover it, before the preview ends (`preview`). Shown from
 * the main process's heard time (its answers to the player's reports), which
 * is what decides; null when nothing is at stake: a local file, a free or
 * owned track, a play already counted, or 45 s already heard.
 */
export interface PreviewCountdown {
  kind: 'charge' | 'preview';
  secondsLeft: number;
}

export function previewCountdown(
  state: Stream2OwnState | null | undefined,
  heardMs: number | null,
  counted: boolean,
): PreviewCountdown | null {
  if (!state || state.owned || state.freeReason !== null || counted) return null;
  const heard = heardMs ?? 0;
  if (!(heard >= 0) || heard >= COUNT_THRESHOLD_MS) return null;
  return {
    kind: state.previewOnly ? 'preview' : 'charge',
    secondsLeft: Math.ceil((COUNT_THRESHOLD_MS - heard) / 1000),
  };
}

/** Where the 45-second mark sits on the seek bar, 0…1, or null when the track is not longer than 45 s. */
export function countMarkFraction(durationMs: number): number | null {
  return Number.isFinite(durationMs) && durationMs > COUNT_THRESHOLD_MS
    ? COUNT_THRESHOLD_MS / durationMs
    : null;
}
