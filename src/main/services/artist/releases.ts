import type { ParsedCallInput } from '../../../shared/contract';
import type { CoopRelease, PublishResult } from '../../../shared/contract/artist';
import { publishing } from '../../../shared/server-api';
import type { Clock } from '../core/clock';
import type { TypedDb } from '../db/typed-query';
import type { ArtistParts } from './artist-parts';
import { releaseView } from './release-view';
import { callSpec, sendSpec, specAnswer, type Request } from './server-answer';
import type { ArtistTables } from './tables';

/**
 * The releases made from this device: remembered when their server draft is
 * made (the server has no "releases of an artist" listing), listed as the
 * server has them now, published from a release draft, and unpublished.
 */

/** Keeps a release made on the server (the first time only), so `artist.releases` finds it again. */
export function rememberRelease(
  db: TypedDb<ArtistTables>,
  clock: Clock,
  { releaseId, artistId, title }: { releaseId: string; artistId: string; title: string },
): void {
  db.run(
    db.q
      .insertInto('artist_releases')
      .orIgnore()
      .values({ release_id: releaseId, artist_id: artistId, title, created_at: clock.nowMs() }),
  );
}

/** `artist.releases`: the artist's remembered releases, newest first, as the server has them; those gone or no longer ours are left out. */
export async function listReleases(p: ArtistParts, artistId: string): Promise<{ releases: CoopRelease[] }> {
  const { db } = p;
  const rows = db.all(
    db.q
      .selectFrom('artist_releases')
      .select('release_id as id')
      .where('artist_id', '=', artistId)
      .orderBy('created_at', 'desc'),
  );
  const releases = [];
  for (const { id } of rows) {
    const spec = publishing.getPublishingRelease;
    const answer = await sendSpec(p.deps.request, spec, { params: { id } }, 'load the releases');
    // Gone, or no longer ours (rights moved): not listed.
    if (answer.status === 404 || answer.status === 403) continue;
    releases.push(releaseView(specAnswer(spec, answer, 'load the releases')));
  }
  return { releases };
}

/** `artist.publish`: the release draft's chosen tracks published by the publisher (resuming an earlier run of the same draft). */
export async function publishDraft(
  p: ArtistParts,
  { draftId, artistId, title, tracks }: ParsedCallInput<'artist.publish'>,
): Promise<PublishResult> {
  const draft = p.deps.release.draft(draftId);
  return p.publisher.publish({
    draft,
    artistId,
    title,
    tracks,
    fileOf: (position) => p.deps.release.mediaFile([draftId, String(position)])?.file ?? null,
  });
}

/** `artist.unpublish`: the release taken out of the catalog, as the server has it after. */
export async function unpublishRelease(request: Request, releaseId: string): Promise<CoopRelease> {
  return releaseView(
    await callSpec(
      request,
      publishing.unpublishRelease,
      { params: { id: releaseId } },
      'unpublish the release',
    ),
  );
}
