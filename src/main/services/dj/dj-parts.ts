import type { djCalls } from '../../../shared/contract/dj';
import type { Clock } from '../core/clock';
import type { CallHandler } from '../core/dispatcher';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import type { Db } from '../db/database';
import type { ExportJob } from './export-service';
import type { ListStore } from './lists';
import type { QueryService } from './query-service';
import type { TagEditor } from './tag-editor';

export interface DjDomainDeps {
  db: Db;
  events: EventHub;
  clock: Clock;
  logger: Logger;
  dataDir: string;
  /** Written into exported Rekordbox XML as the product version. */
  appVersion?: string;
}

export type DjCallName = keyof typeof djCalls;
export type DjHandlers = { [N in DjCallName]: CallHandler<N> };
/** What a `dj.*` call gets, after the contract's defaults. */
export type DjInput<N extends DjCallName> = Parameters<CallHandler<N>>[0];

/** The services the `dj.*` calls share, built once by `createDjDomain`; each call is a function of these parts. */
export interface DjParts {
  deps: DjDomainDeps;
  queries: QueryService;
  lists: ListStore;
  tags: TagEditor;
  /** Exports by job id, running or ended. */
  jobs: Map<string, ExportJob>;
}

/** A smart list's track count now. */
export const countSmart = (p: DjParts) => (query: string) => p.queries.countQuery(query);

/** Tells the renderer a list (or, null, the tree) changed. */
export function listsChanged(p: DjParts, listId: number | null): void {
  p.deps.events.emit('dj.listsChanged', { listId });
}
