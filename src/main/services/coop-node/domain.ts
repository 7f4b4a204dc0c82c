import type { CoopAccount, coopNodeCalls } from '../../../shared/contract/coop-node';
import type { AccountStatus } from '../../../shared/contract/sync';
import type { CallHandler } from '../core/dispatcher';
import type { Logger } from '../core/logger';
import type { Request } from '../artist/server-answer';
import { claimAdmin } from './claim-admin';
import { grantCredits, makeVouchers } from './credits';
import { findAccounts, requireSignedIn, type NodeDeps } from './deps';
import { importRelease } from './import-release';
import { addRightsholder } from './rightsholder';
import { nodeStatus } from './status';

/**
 * The "Co-op node" page's calls: what the signed-in account may do on the
 * co-op server in use, over its session (the sync domain's
 * `authenticatedRequest`), each call a route of the wire contract
 * (src/shared/server-api). On the app's own node the first admin is the
 * app's user: the node wrote a one-time token into its data folder, read and
 * sent by `claimAdmin`; it never leaves the main process. The server decides
 * every permission; the status only says which actions to show. One function
 * per call (this folder); the factory only wires.
 */

export type CoopNodeCallName = keyof typeof coopNodeCalls;

export interface CoopNodeDomainDeps {
  logger: Logger;
  bundledDataDir: string;
  request: Request;
  account(): AccountStatus;
  accountChanged(user: CoopAccount): void;
  syncNow(): Promise<unknown>;
}

export function createCoopNodeDomain(options: CoopNodeDomainDeps) {
  const deps: NodeDeps = { ...options, log: options.logger.child({ domain: 'coop-node' }) };
  const handlers: { [N in CoopNodeCallName]: CallHandler<N> } = {
    'node.status': () => nodeStatus(deps),
    'node.claimAdmin': () => claimAdmin(deps),
    'node.importRelease': (input) => importRelease(deps, input),
    'node.findAccounts': async ({ query }) => {
      requireSignedIn(deps, 'find accounts');
      return { accounts: await findAccounts(deps, query, 20, 'find accounts') };
    },
    'node.grantCredits': (input) => grantCredits(deps, input),
    'node.makeVouchers': (input) => makeVouchers(deps, input),
    'node.addRightsholder': (input) => addRightsholder(deps, input),
  };
  return { handlers, status: () => nodeStatus(deps) };
}

export type CoopNodeDomain = ReturnType<typeof createCoopNodeDomain>;
