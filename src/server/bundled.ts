import { join } from 'node:path';
import { LOCAL_ADMIN_TOKEN_FILE } from '../shared/contract/coop-node';
import { startServer } from './app';

/**
 * The co-op server a host bundles for an app with no sync server set: src/server in
 * this process, on loopback, its SQLite store in `dataDir`. The hosts (Electron's
 * main, the web host) hand it to the services as `startBundledServer`, loading this
 * module only when it is needed; services never import src/server (lint checks it).
 * Its first admin is the app's user: while it has none, it writes a one-time token
 * to `<dataDir>/local-admin-token` for the app's main process (accounts/local-admin.ts).
 */
export async function startBundledServer(dataDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = await startServer({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'warn',
    localAdmin: { tokenFile: join(dataDir, LOCAL_ADMIN_TOKEN_FILE) },
  });
  return { url: server.url, close: () => server.close() };
}
