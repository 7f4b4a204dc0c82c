import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { artistCalls, Earnings, EarningsFigures, ReportVerdict } from '../../../shared/contract/artist';
import { CallError } from '../../../shared/contract/define';
import { verifyEarningsReport } from '../../../node/report-verifier';
import type { Clock } from '../core/clock';
import type { CallHandler } from '../core/dispatcher';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import { migrate, type Db, type Migration } from '../db/database';
import { typedDb } from '../db/typed-query';
import type { ReleaseService } from '../release/release-service';
import { Publisher, releaseView, serverReleaseSchema, type Request } from './publisher';
import { checkReportInLog, type ReportLogDeps } from './report-log';
import { errorFromAnswer, expectJson, networkError } from './server-answer';
import type { ArtistTables } from './tables';

/**
 * The artist's side of the co-op, over the signed-in account's session
 * (the sync domain's `authenticatedRequest`): profiles, earnings, CSV,
 * membership, the audit report (saved and verified in-process with the same
 * verifier as `npm run cli -- verify-report`), and publishing release drafts.
 */

export type ArtistCallName = keyof typeof artistCalls;

export interface ArtistDomainDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  events: EventHub;
  /** The sync domain's authenticated request to the account's server. */
  request: Request;
  /** The release preview's drafts (the files to publish). */
  release: Pick<ReleaseService, 'draft' | 'mediaFile'>;
  /** Bytes per upload chunk (default 4 MiB). */
  chunkBytes?: number;
  retryDelayMs?: number;
  /** The public log check's trusted key and kept checkpoint (the tlog domain), for checking reports against the log. */
  log?: Omit<ReportLogDeps, 'get'>;
}

export const artistMigrations: readonly Migration[] = [
  {
    id: 'artist-001-releases',
    up(db) {
      db.exec(`
        -- Releases made on the server from this device, so the artist finds them again
        -- (the server has no "releases of an artist" listing; their state is asked each time).
        CREATE TABLE artist_releases (
          release_id TEXT PRIMARY KEY,
          artist_id TEXT NOT NULL,
          title TEXT NOT NULL,
          created_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX artist_releases_by_artist ON artist_releases (artist_id, created_at);
      `);
    },
  },
];

const int = z.number().int();
const meSchema = z.object({ artists: z.array(z.object({ id: z.string(), name: z.string() })) });
const earningsAnswerSchema = z.object({
  rows: z.array(
    z.object({
      key: z.string(),
      title: z.string().optional(),
      totalPlays: int,
      paidPlays: int,
      freePlays: int,
      unpaidPlays: int,
      spentThousandths: int,
      artistShareTenThousandths: int,
      coopShareTenThousandths: int,
      playSpentThousandths: int,
      playArtistShareTenThousandths: int,
      purchases: int,
      purchaseSpentThousandths: int,
      purchaseArtistShareTenThousandths: int,
    }),
  ),
});
const membershipAnswerSchema = z.object({
  year: int,
  artist: z
    .object({
      member: z.boolean(),
      earnedTenThousandths: int,
      thresholdTenThousandths: int,
      earnedEuros: z.string(),
      thresholdEuros: z.string(),
      progressPercent: z.number(),
    })
    .nullable(),
});

export const PREVIEWS_NOTE =
  'Previews that did not count (heard less than 45 s) are not sent to the co-op and the server keeps no record of them, so they cannot be shown; they earned nothing.';

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

export function createArtistDomain(deps: ArtistDomainDeps) {
  migrate(deps.db, artistMigrations);
  const db = typedDb<ArtistTables>(deps.db);
  const log = deps.logger.child({ domain: 'artist' });

  async function call(method: string, path: string, action: string, init?: Parameters<Request>[2]) {
    try {
      return await deps.request(method, path, init);
    } catch (error) {
      throw networkError(error, action);
    }
  }
  async function getJson<T>(path: string, schema: z.ZodType<T>, action: string): Promise<T> {
    return expectJson(await call('GET', path, action), schema, action);
  }

  const publisher = new Publisher({
    request: deps.request,
    progress: (p) => deps.events.emit('artist.publishProgress', p),
    created: ({ releaseId, artistId, title }) => {
      db.run(
        db.q
          .insertInto('artist_releases')
          .orIgnore()
          .values({ release_id: releaseId, artist_id: artistId, title, created_at: deps.clock.nowMs() }),
      );
    },
    chunkBytes: deps.chunkBytes,
    retryDelayMs: deps.retryDelayMs,
  });

  const handlers: { [N in ArtistCallName]: CallHandler<N> } = {
    'artist.profiles': async () => ({
      artists: (await getJson('/v1/me', meSchema, 'load your artist profiles')).artists,
    }),

    'artist.earnings': async ({ artistId, groupBy, from, to }): Promise<Earnings> => {
      const answer = await getJson(
        `/v1/artists/${encodeURIComponent(artistId)}/earnings${query({ groupBy, from, to })}`,
        earningsAnswerSchema,
        'load the earnings',
      );
      const totals: EarningsFigures = {
        totalPlays: 0,
        paidPlays: 0,
        freePlays: 0,
        unpaidPlays: 0,
        spentThousandths: 0,
        artistShareTenThousandths: 0,
        coopShareTenThousandths: 0,
        playSpentThousandths: 0,
        playArtistShareTenThousandths: 0,
        purchases: 0,
        purchaseSpentThousandths: 0,
        purchaseArtistShareTenThousandths: 0,
      };
      const rows = answer.rows.map(({ title, ...r }) => {
        for (const k of Object.keys(totals) as (keyof EarningsFigures)[]) totals[k] += r[k];
        return { ...r, title: title ?? null };
      });
      return { artistId, groupBy, rows, totals, previewsNotCounted: null, previewsNote: PREVIEWS_NOTE };
    },

    'artist.earningsCsv': async ({ artistId, groupBy, from, to }) => {
      const answer = await call(
        'GET',
        `/v1/artists/${encodeURIComponent(artistId)}/earnings${query({ groupBy, from, to, format: 'csv' })}`,
        'export the earnings',
      );
      if (answer.status !== 200) throw errorFromAnswer(answer, 'export the earnings');
      const named = /filename="([^"]+)"/.exec(answer.headers.get('content-disposition') ?? '')?.[1];
      return { fileName: named ?? `earnings-${artistId}-${groupBy}.csv`, csv: answer.text };
    },

    'artist.membership': async ({ year }) => {
      const m = await getJson(
        `/v1/membership${query({ year })}`,
        membershipAnswerSchema,
        'load the membership',
      );
      return {
        year: m.year,
        artist: m.artist
          ? { ...m.artist, progressPercent: Math.max(0, Math.min(100, Math.floor(m.artist.progressPercent))) }
          : null,
      };
    },

    'artist.exportReport': async ({ artistId, from, to, path, stablePseudonyms }): Promise<ReportVerdict> => {
      const target = isAbsolute(path) ? path : resolve(homedir(), path);
      const answer = await call(
        'GET',
        `/v1/artists/${encodeURIComponent(artistId)}/earnings/report${query({ from, to, pseudonyms: stablePseudonyms ? 'stable' : undefined })}`,
        'download the earnings report',
      );
      if (answer.status !== 200) throw errorFromAnswer(answer, 'download the earnings report');
      let report: unknown;
      try {
        report = JSON.parse(answer.text);
      } catch {
        throw new CallError('unavailable', 'The server answered a report that is not JSON.');
      }
      try {
        await mkdir(dirname(target), { recursive: true });
        // As the server sent it, byte for byte: the verifier and the artist read the same file.
        await writeFile(target, answer.text);
      } catch (error) {
        throw new CallError(
          'unavailable',
          `Could not write ${target}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const verdict = verifyEarningsReport(report);
      // And against the public log itself, as `verify-report --log` does.
      const inLog = await checkReportInLog(report, { get: (path) => deps.request('GET', path), ...deps.log });
      log.info(
        { path: target, ok: verdict.ok, receipts: verdict.receipts, inLog: inLog?.ok ?? null },
        'earnings report saved and verified',
      );
      return {
        path: target,
        bytes: Buffer.byteLength(answer.text),
        ok: verdict.ok,
        receipts: verdict.receipts,
        verified: verdict.verified,
        totals: verdict.totals,
        log: inLog,
        claims: verdict.claims,
        mismatches: verdict.mismatches.slice(0, 50).map((m) => ({ kind: m.kind, message: m.message })),
        mismatchCount: verdict.mismatches.length,
        command: `npm run --silent cli -- verify-report ${shellQuote(target)} --json`,
      };
    },

    'artist.publish': async ({ draftId, artistId, title, tracks }) => {
      const draft = deps.release.draft(draftId);
      return publisher.publish({
        draft,
        artistId,
        title,
        tracks,
        fileOf: (position) => deps.release.mediaFile([draftId, String(position)])?.file ?? null,
      });
    },

    'artist.unpublish': async ({ releaseId }) => {
      const answer = await call(
        'POST',
        `/v1/publishing/releases/${encodeURIComponent(releaseId)}/unpublish`,
        'unpublish the release',
        { json: {} },
      );
      return releaseView(expectJson(answer, serverReleaseSchema, 'unpublish the release'));
    },

    'artist.releases': async ({ artistId }) => {
      const rows = db.all(
        db.q
          .selectFrom('artist_releases')
          .select('release_id as id')
          .where('artist_id', '=', artistId)
          .orderBy('created_at', 'desc'),
      );
      const releases = [];
      for (const { id } of rows) {
        const answer = await call(
          'GET',
          `/v1/publishing/releases/${encodeURIComponent(id)}`,
          'load the releases',
        );
        // Gone, or no longer ours (rights moved): not listed.
        if (answer.status === 404 || answer.status === 403) continue;
        releases.push(releaseView(expectJson(answer, serverReleaseSchema, 'load the releases')));
      }
      return { releases };
    },
  };

  return { handlers, publisher };
}

export type ArtistDomain = ReturnType<typeof createArtistDomain>;
