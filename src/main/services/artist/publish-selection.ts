import { CallError } from '../../../shared/contract/define';
import type { PublishRequest, TrackChoice } from './publish-parts';

/**
 * The tracks asked for, in draft order. Guarantees each position is listed
 * once and is a track of the draft; else an invalid_input error naming the
 * position, before anything is asked of the server.
 */
export function selectedTracks(req: PublishRequest): TrackChoice[] {
  const seen = new Set<number>();
  const selected = [...req.tracks].sort((a, b) => a.position - b.position);
  for (const t of selected) {
    if (seen.has(t.position))
      throw new CallError('invalid_input', `Track ${t.position} is listed twice.`, [
        { path: 'tracks', message: 'positions must be unique' },
      ]);
    seen.add(t.position);
    if (!req.draft.tracks.some((d) => d.position === t.position))
      throw new CallError('invalid_input', `The draft has no track ${t.position}.`, [
        { path: 'tracks', message: `no track ${t.position}` },
      ]);
  }
  return selected;
}
