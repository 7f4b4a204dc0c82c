export type ReplayGainMode = 'track' | 'album' | 'off';

export interface ReplayGainValues {
  trackGainDb: number | null;
  trackPeak: number | null;
  albumGainDb: number | null;
  albumPeak: number | null;
}

/**
 * The volume multiplier for a track's ReplayGain in the chosen mode (album
 * falls back to track and the reverse), kept from clipping by the peak. The
 * audio element cannot go above 1, so a positive gain only helps when the
 * user's volume is below full.
 */
export function gainFactor(values: ReplayGainValues, mode: ReplayGainMode): number {
  if (mode === 'off') return 1;
  const useAlbum = mode === 'album' ? values.albumGainDb !== null : values.trackGainDb === null;
  const db = useAlbum ? values.albumGainDb : values.trackGainDb;
  const peak = useAlbum ? values.albumPeak : values.trackPeak;
  if (db === null || !Number.isFinite(db)) return 1;
  let factor = 10 ** (db / 20);
  if (peak !== null && peak > 0) factor = Math.min(factor, 1 / peak);
  return Math.max(0, factor);
}
