import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  earningsFiguresSchema,
  type artistCalls,
  type Earnings,
  type EarningsFigures,
  type EarningsGroupBy,
  type ReportVerdict,
} from '../../../shared/contract/artist';
import { CallError } from '../../../shared/contract/define';
import { accounts, earnings, listener, publishing, type AnswerOf } from '../../../shared/server-api';
import { verifyEarningsReport } from '../../../node/report-verifier';
import type { Clock } from '../core/clock';
import type { CallHandler } from '../core/dispatcher';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import { migrate, type Db, type Migration } from '../db/database';
import { typedDb } from '../db/typed-query';
import type { ReleaseService } from '../release/release-service';
import { Publisher, releaseView } from './publisher';
import { checkReportInLog, type ReportLogDeps } from './report-log';
import { callSpec, errorFromAnswer, sendSpec, specAnswer, type Request } from './server-answer';
import type { ArtistTables } from './tables';

/**
 * The artist's side of the co-op, over the signed-in account's session
 * (the sync domain's `authenticatedRequest`): profiles, earnings, CSV,
 * membership, the audit report (saved and verified in-process with the same
 * verifier as `npm run cli -- verify-report`), and publishing release drafts.
 * Every call is a route of the wire contract (src/shared/server-api): its
 * path, and its answer's shape, are the spec's.
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

export const PREVIEWS_NOTE =
  'Previews that did not count (heard less than 45 s) are not sent to the co-op and the server keeps no record of them, so they cannot be shown; they earned nothing.';

const FIGURES = Object.keys(earningsFiguresSchema.shape) as (keyof EarningsFigures)[];

/** The server's rows as the contract's (a title or null), with their totals. */
function earningsView(
  artistId: string,
  groupBy: EarningsGroupBy,
  wire: AnswerOf<typeof earnings.artistEarnings>['rows'],
): Earnings {
  const totals = Object.fromEntries(FIGURES.map((k) => [k, 0])) as EarningsFigures;
  const rows = wire.map(({ title, ...r }) => {
    for (const k of FIGURES) totals[k] += r[k];
    return { ...r, title: title ?? null };
  });
  return { artistId, groupBy, rows, totals, previewsNotCounted: null, previewsNote: PREVIEWS_NOTE };
}

/** The report as JSON, checked to be the object the spec says; the verifier reads it as parsed. */
function reportOf(text: string): unknown {
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new CallError('unavailable', 'The server answered a report that is not JSON.');
  }
  if (!earnings.earningsReport.answer.safeParse(report).success)
    throw new CallError('unavailable', 'The server answered a report that is not a JSON object.');
  return report;
}

export function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

export function createArtistDomain(deps: ArtistDomainDeps) {
  migrate(deps.db, artistMigrations);
  const db = typedDb<ArtistTables>(deps.db);
  const log = deps.logger.child({ domain: 'artist' });

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
      artists: (await callSpec(deps.request, accounts.me, {}, 'load your artist profiles')).artists,
    }),

    'artist.earnings': async ({ artistId, groupBy, from, to }): Promise<Earnings> => {
      const answer = await callSpec(
        deps.request,
        earnings.artistEarnings,
        { params: { id: artistId }, query: { groupBy, from, to } },
        'load the earnings',
      );
      return earningsView(artistId, groupBy, answer.rows);
    },

    'artist.earningsCsv': async ({ artistId, groupBy, from, to }) => {
      const action = 'export the earnings';
      const answer = await sendSpec(
        deps.request,
        earnings.artistEarnings,
        { params: { id: artistId }, query: { groupBy, from, to, format: 'csv' } },
        action,
      );
      if (answer.status !== 200) throw errorFromAnswer(answer, action);
      const named = /filename="([^"]+)"/.exec(answer.headers.get('content-disposition') ?? '')?.[1];
      return { fileName: named ?? `earnings-${artistId}-${groupBy}.csv`, csv: answer.text };
    },

    'artist.membership': async ({ year }) => {
      const m = await callSpec(deps.request, listener.membership, { query: { year } }, 'load the membership');
      return {
        year: m.year,
        artist: m.artist
          ? { ...m.artist, progressPercent: Math.max(0, Math.min(100, Math.floor(m.artist.progressPercent))) }
          : null,
      };
    },

    'artist.exportReport': async ({ artistId, from, to, path, stablePseudonyms }): Promise<ReportVerdict> => {
      const target = isAbsolute(path) ? path : resolve(homedir(), path);
      const action = 'download the earnings report';
      const answer = await sendSpec(
        deps.request,
        earnings.earningsReport,
        {
          params: { id: artistId },
          query: { from, to, pseudonyms: stablePseudonyms ? 'stable' : undefined },
        },
        action,
      );
      if (answer.status !== 200) throw errorFromAnswer(answer, action);
      const report = reportOf(answer.text);
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
      return releaseView(
        await callSpec(
          deps.request,
          publishing.unpublishRelease,
          { params: { id: releaseId } },
          'unpublish the release',
        ),
      );
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
        const spec = publishing.getPublishingRelease;
        const answer = await sendSpec(deps.request, spec, { params: { id } }, 'load the releases');
        // Gone, or no longer ours (rights moved): not listed.
        if (answer.status === 404 || answer.status === 403) continue;
        releases.push(releaseView(specAnswer(spec, answer, 'load the releases')));
      }
      return { releases };
    },
  };

  return { handlers, publisher };
}

export type ArtistDomain = ReturnType<typeof createArtistDomain>;
