import type { TlogState } from '../../../shared/contract/tlog';
import type { Clock } from '../core/clock';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import type { Db } from '../db/database';
import type { CheckContext, LogRequest } from './checker';
import type { NewFailure, TlogConfig, TlogStore } from './tlog-store';

export interface TlogDomainDeps {
  db: Db;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  events: EventHub;
  /** The server in use, as the sync engine keys it (`syncServerUrl`, or 'bundled'). */
  serverKey(): string;
  /** A GET to the signed-in account's server; throws when signed out or unreachable. */
  request: LogRequest;
}

/** How the last check of one server ended. */
export interface CheckOutcome {
  state: TlogState;
  atMs: number;
  error: string | null;
}

/** What every tlog call works with; built once by `createTlogDomain`. */
export interface TlogParts {
  deps: TlogDomainDeps;
  store: TlogStore;
  log: Logger;
  /** Per server: how the last check ended (in memory: after a restart, the next sync tells). */
  last: Map<string, CheckOutcome>;
  /** The check running now, if any: checks run one at a time. */
  running: Promise<void> | null;
}

/** The log key this app trusts for `serverKey`: the configured one, else the one pinned on first contact. */
export function trustedVkey(p: TlogParts, config: TlogConfig, serverKey: string): string | undefined {
  return config.logVkey ?? p.store.pin(serverKey)?.vkey;
}

/** Keeps a failure's evidence and says so in the app's log; answers 'failed' for the check's verdict. */
export function recordFailure(p: TlogParts, ctx: CheckContext, failure: NewFailure): 'failed' {
  p.store.addFailure(ctx.serverKey, failure, ctx.nowMs);
  p.log.warn(
    { kind: failure.kind, receiptId: failure.receiptId },
    `public log check failed: ${failure.message}`,
  );
  return 'failed';
}
