import type { CoopNodeStatus } from '../../../shared/contract/coop-node';
import type { AccountStatus } from '../../../shared/contract/sync';
import { accounts, type AnswerOf } from '../../../shared/server-api';
import { call, type NodeDeps } from './deps';

/** The account as the server sees it now (a role given since sign-in shows at once); stored when it changed. */
async function freshAccount(
  deps: NodeDeps,
  account: AccountStatus,
): Promise<Pick<AccountStatus, 'role' | 'artists'>> {
  try {
    const me = await call(deps, accounts.me, {}, 'load the account');
    if (me.role !== account.role || JSON.stringify(me.artists) !== JSON.stringify(account.artists))
      deps.accountChanged(me);
    return me;
  } catch (error) {
    deps.log.info({ err: error }, 'could not refresh the account; showing what was known at sign-in');
    return account;
  }
}

async function localAdmin(deps: NodeDeps): Promise<AnswerOf<typeof accounts.localAdminStatus> | null> {
  try {
    return await call(deps, accounts.localAdminStatus, {}, 'ask the node about its admin');
  } catch (error) {
    deps.log.info({ err: error }, 'could not ask the bundled node about its admin');
    return null;
  }
}

/** `node.status`: what the signed-in account may do on the server in use (the server still decides each call). */
export async function nodeStatus(deps: NodeDeps): Promise<CoopNodeStatus> {
  const account = deps.account();
  const fresh = account.signedIn ? await freshAccount(deps, account) : { role: null, artists: [] };
  const local = account.signedIn && account.bundledServer ? await localAdmin(deps) : null;
  const admin = fresh.role === 'admin';
  return {
    bundled: account.bundledServer,
    serverUrl: account.serverUrl,
    signedIn: account.signedIn,
    email: account.email,
    role: fresh.role,
    canClaimAdmin: !admin && local?.claimable === true,
    hasAdmin: local ? local.hasAdmin : null,
    actions: {
      importFolder: admin && account.bundledServer,
      grantCredits: admin,
      makeVouchers: admin,
      rightsholders: admin,
      redeemVoucher: account.signedIn,
      publish: admin || fresh.role === 'artist' || fresh.artists.length > 0,
    },
  };
}
