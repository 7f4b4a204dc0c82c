import type { DraftTrack } from '../../../../shared/contract/release';

type Numbered = Pick<DraftTrack, 'trackNo' | 'discNo'>;

/** More than one disc among the tracks (an untagged disc counts as disc 1). */
export const isMultiDisc = (tracks: Numbered[]): boolean =>
  new Set(tracks.map((t) => t.discNo ?? 1)).size > 1;

/** The "#" of a draft track: the tag's track number, `disc-track` on a release of several discs; null when the track has none (never its place in the folder). */
export function trackNumberLabel(track: Numbered, multiDisc: boolean): string | null {
  if (track.trackNo === null) return null;
  return multiDisc ? `${track.discNo ?? 1}-${track.trackNo}` : String(track.trackNo);
}
