import type { artistCalls } from '../../../shared/contract/artist';
import type { CallHandler } from '../core/dispatcher';
import { migrate } from '../db/database';
import { typedDb } from '../db/typed-query';
import type { ArtistDomainDeps, ArtistParts } from './artist-parts';
import { artistEarnings, earningsCsv } from './earnings';
import { exportReport } from './export-report';
import { artistMembership } from './membership';
import { artistMigrations } from './migrations';
import { artistProfiles } from './profiles';
import { Publisher } from './publisher';
import { listReleases, publishDraft, rememberRelease, unpublishRelease } from './releases';
import type { ArtistTables } from './tables';

export type { ArtistDomainDeps } from './artist-parts';

/**
 * The artist's side of the co-op, over the signed-in account's session
 * (the sync domain's `authenticatedRequest`): profiles, earnings, CSV,
 * membership, the audit report (saved and verified in-process with the same
 * verifier as `npm run cli -- verify-report`), and publishing release drafts.
 * Every call is a route of the wire contract (src/shared/server-api): its
 * path, and its answer's shape, are the spec's.
 *
 * Each call is its own function of the domain's parts (`artist-parts.ts`):
 * `profiles.ts`, `earnings.ts` (and the CSV), `membership.ts`,
 * `export-report.ts` (with `report-log.ts`, the log check), `releases.ts`
 * (remembered, listed, published through `publisher.ts`, unpublished); this
 * factory builds the parts once and wires them (docs/architecture.md, "Handlers").
 */

export type ArtistCallName = keyof typeof artistCalls;

function handlersOf(p: ArtistParts): { [N in ArtistCallName]: CallHandler<N> } {
  const { request } = p.deps;
  return {
    'artist.profiles': () => artistProfiles(request),
    'artist.earnings': (input) => artistEarnings(request, input),
    'artist.earningsCsv': (input) => earningsCsv(request, input),
    'artist.membership': ({ year }) => artistMembership(request, year),
    'artist.exportReport': (input) => exportReport(p, input),
    'artist.publish': (input) => publishDraft(p, input),
    'artist.unpublish': ({ releaseId }) => unpublishRelease(request, releaseId),
    'artist.releases': ({ artistId }) => listReleases(p, artistId),
  };
}

export function createArtistDomain(deps: ArtistDomainDeps) {
  migrate(deps.db, artistMigrations);
  const db = typedDb<ArtistTables>(deps.db);
  const publisher = new Publisher({
    request: deps.request,
    progress: (progress) => deps.events.emit('artist.publishProgress', progress),
    created: (release) => rememberRelease(db, deps.clock, release),
    chunkBytes: deps.chunkBytes,
    retryDelayMs: deps.retryDelayMs,
  });
  const p: ArtistParts = { deps, db, log: deps.logger.child({ domain: 'artist' }), publisher };
  return { handlers: handlersOf(p), publisher };
}

export type ArtistDomain = ReturnType<typeof createArtistDomain>;
