import type { tlogCalls } from '../../../shared/contract/tlog';
import type { CallHandler } from '../core/dispatcher';
import { migrate } from '../db/database';
import { check, trustedKey } from './check-run';
import { compareCheckpoint } from './compare';
import { configure } from './configure';
import { exportEvidence } from './evidence';
import { tlogMigrations } from './migrations';
import { tlogStatus } from './status';
import { TlogStore } from './tlog-store';
import type { TlogDomainDeps, TlogParts } from './tlog-parts';

export type { TlogDomainDeps } from './tlog-parts';

/**
 * The app's check of the co-op server's public transparency log, wired:
 * runs after each sync (the sync domain's `afterSync` hook), keeps the latest
 * verified checkpoint and every failure's evidence in the local database, and
 * answers the `tlog.*` calls. See docs/sync.md "The public log".
 *
 * Each call is its own function of the domain's parts (`tlog-parts.ts`):
 * `status.ts`, `check-run.ts` (one check, one at a time), `compare.ts`,
 * `configure.ts`, `evidence.ts`; this factory builds the parts once and wires
 * them (docs/architecture.md, "Handlers").
 */

type TlogCallName = keyof typeof tlogCalls;

function handlersOf(p: TlogParts): { [N in TlogCallName]: CallHandler<N> } {
  return {
    'tlog.status': () => tlogStatus(p),
    'tlog.check': async () => {
      await check(p);
      return tlogStatus(p);
    },
    'tlog.plays': ({ receiptIds }) => ({ plays: p.store.plays(p.deps.serverKey(), receiptIds) }),
    'tlog.compare': async ({ checkpoint }) => {
      await compareCheckpoint(p, checkpoint);
      return tlogStatus(p);
    },
    'tlog.configure': (input) => {
      configure(p, input);
      return tlogStatus(p);
    },
    'tlog.exportEvidence': () => exportEvidence(p),
  };
}

export function createTlogDomain(deps: TlogDomainDeps) {
  migrate(deps.db, tlogMigrations);
  const p: TlogParts = {
    deps,
    store: new TlogStore(deps.db),
    log: deps.logger.child({ domain: 'tlog' }),
    last: new Map(),
    running: null,
  };
  return {
    handlers: handlersOf(p),
    store: p.store,
    status: () => tlogStatus(p),
    /** The sync domain's hook: a check after each successful sync. Never throws. */
    afterSync: (info: { startedAtMs: number }) => check(p, info.startedAtMs),
    check: () => check(p),
    /** The log key this app trusts for the server in use: configured, pinned, else learned now and pinned. Throws when the log cannot be reached. */
    trustedKey: () => trustedKey(p),
    /** The latest checkpoint this app verified (with the witnesses it requires) for the server in use. */
    kept: () => p.store.latest(p.deps.serverKey()),
  };
}

export type TlogDomain = ReturnType<typeof createTlogDomain>;
