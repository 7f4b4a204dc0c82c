import type { ArtistMembership } from '../../../shared/contract/artist';
import { listener } from '../../../shared/server-api';
import { callSpec, type Request } from './server-answer';

/** `artist.membership`: the year's membership as the server counts it, the progress a whole percent in 0–100. */
export async function artistMembership(
  request: Request,
  year: number | undefined,
): Promise<ArtistMembership> {
  const m = await callSpec(request, listener.membership, { query: { year } }, 'load the membership');
  return {
    year: m.year,
    artist: m.artist
      ? { ...m.artist, progressPercent: Math.max(0, Math.min(100, Math.floor(m.artist.progressPercent))) }
      : null,
  };
}
