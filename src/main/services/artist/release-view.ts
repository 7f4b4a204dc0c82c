import type { z } from 'zod';
import type { CoopRelease } from '../../../shared/contract/artist';
import type { releaseViewSchema } from '../../../shared/server-api';

export type ServerRelease = z.infer<typeof releaseViewSchema>;

/** The server's release as the contract's (its tracks' publishing fields only). */
export function releaseView(r: ServerRelease): CoopRelease {
  return {
    releaseId: r.id,
    artistId: r.artistId,
    title: r.title,
    status: r.status,
    tracks: r.tracks.map((t) => ({
      id: t.id,
      title: t.title,
      trackNumber: t.trackNumber,
      durationMs: t.durationMs,
      status: t.status,
      published: t.published,
    })),
  };
}
