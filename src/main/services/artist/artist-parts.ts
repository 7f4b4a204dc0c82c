import type { Clock } from '../core/clock';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import type { Db } from '../db/database';
import type { TypedDb } from '../db/typed-query';
import type { ReleaseService } from '../release/release-service';
import type { Publisher } from './publisher';
import type { ReportLogDeps } from './report-log';
import type { Request } from './server-answer';
import type { ArtistTables } from './tables';

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

/** What every artist call works with; built once by `createArtistDomain`. */
export interface ArtistParts {
  deps: ArtistDomainDeps;
  db: TypedDb<ArtistTables>;
  log: Logger;
  /** Publishing drafts, one run per draft at a time (it remembers each draft's server release). */
  publisher: Publisher;
}
