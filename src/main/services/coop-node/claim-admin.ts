import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_ADMIN_TOKEN_FILE, type CoopNodeStatus } from '../../../shared/contract/coop-node';
import { CallError } from '../../../shared/contract/define';
import { accounts } from '../../../shared/server-api';
import { call, requireSignedIn, type NodeDeps } from './deps';
import { nodeStatus } from './status';

async function readToken(deps: NodeDeps): Promise<string> {
  try {
    return (await readFile(join(deps.bundledDataDir, LOCAL_ADMIN_TOKEN_FILE), 'utf8')).trim();
  } catch {
    throw new CallError(
      'conflict',
      'This co-op node has an admin already (the one-time admin token was used). Sign in as that account.',
    );
  }
}

/**
 * `node.claimAdmin`: the app's own node only. The token the node wrote into
 * the data folder is read and sent here, in the main process; the answer to
 * the renderer is the status, never the token.
 */
export async function claimAdmin(deps: NodeDeps): Promise<CoopNodeStatus> {
  const action = "become this node's admin";
  const account = requireSignedIn(deps, action);
  if (!account.bundledServer)
    throw new CallError(
      'forbidden',
      "Only the app's own co-op node can be claimed; this app uses another co-op server (Settings).",
    );
  const token = await readToken(deps);
  const me = await call(deps, accounts.claimLocalAdmin, { body: { token } }, action);
  deps.accountChanged(me);
  deps.log.info({ userId: me.id }, "this account is now the admin of the app's own node");
  return nodeStatus(deps);
}
