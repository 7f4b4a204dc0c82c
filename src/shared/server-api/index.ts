/**
 * The sync server's HTTP API, one spec per route (docs/architecture.md, "The
 * wire contract"): the server implements each (src/server/http/route.ts),
 * OpenAPI describes them, the app's client calls them.
 */
import * as accounts from './accounts';
import * as catalog from './catalog';
import * as credits from './credits';
import * as devices from './devices';
import * as earnings from './earnings';
import * as listener from './listener';
import * as meta from './meta';
import * as publishing from './publishing';
import * as sync from './sync';
import * as tlog from './tlog';
import type { ServerRouteSpec } from './define';

export * from './answers';
export * from './define';
export { accounts, catalog, credits, devices, earnings, listener, meta, publishing, sync, tlog };

/** Every route of the API, by resource. */
export const serverApi = {
  accounts,
  catalog,
  credits,
  devices,
  earnings,
  listener,
  meta,
  publishing,
  sync,
  tlog,
};

/** Every spec, flat (the contract test compares this with what a built server registers). */
export function allRouteSpecs(): ServerRouteSpec[] {
  return Object.values(serverApi).flatMap((resource) =>
    Object.values(resource as Record<string, unknown>).filter(isRouteSpec),
  );
}

function isRouteSpec(value: unknown): value is ServerRouteSpec {
  return (
    typeof value === 'object' && value !== null && 'method' in value && 'path' in value && 'errors' in value
  );
}
