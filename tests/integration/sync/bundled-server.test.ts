import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import {
  createAppServices,
  type AppServices,
  type AppServicesOptions,
} from '../../../src/main/services/app-services';
import { FakeClock } from '../../../src/main/services/core/clock';
import { startBundledServer } from '../../../src/server/bundled';
import { silentLogger } from '../../../src/main/services/core/logger';
import { tempDir } from '../server/harness';
import { ok } from './support';

/** The app services with no sync server URL in the settings; the host bundles a server if `startBundledServer` is given. */
function appWithNoServerSet(
  dataDir: string,
  bundled?: AppServicesOptions['startBundledServer'],
): AppServices {
  return createAppServices({
    dataDir,
    clock: new FakeClock(1_000, Date.now()),
    logger: silentLogger,
    settingsBackend: { store: {} },
    host: { kind: 'web', pickFolder: async () => null, mediaUrl: (p) => `/media/${p}` },
    appVersion: '0.0.0-test',
    ...(bundled ? { startBundledServer: bundled } : {}),
    sync: { autoStart: false },
  });
}

describe('no sync server set', () => {
  it('starts the bundled server in-process on loopback, lazily, with its SQLite store in <dataDir>/coop-server', async () => {
    const dataDir = tempDir('sync-bundled-');
    const app = appWithNoServerSet(dataDir, startBundledServer);
    try {
      expect(ok(await app.dispatch('account.status', {}))).toMatchObject({
        signedIn: false,
        bundledServer: true,
        serverUrl: null,
      });
      expect(existsSync(join(dataDir, 'coop-server'))).toBe(false);
      const account = ok<{ signedIn: boolean; serverUrl: string; deviceRegistered: boolean }>(
        await app.dispatch('account.signUp', {
          email: `b-${uuidv7()}@example.org`,
          password: 'bundled password',
        }),
      );
      expect(account).toMatchObject({ signedIn: true, deviceRegistered: true });
      expect(account.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(existsSync(join(dataDir, 'coop-server'))).toBe(true);
      expect(ok<{ state: string }>(await app.dispatch('sync.now', {})).state).toBe('online');
    } finally {
      await app.close();
    }
  });

  it('in a host that bundles no server, signing up answers a clear error and no server folder is made', async () => {
    const dataDir = tempDir('sync-unbundled-');
    const app = appWithNoServerSet(dataDir);
    try {
      const answer = await app.dispatch('account.signUp', {
        email: `u-${uuidv7()}@example.org`,
        password: 'bundled password',
      });
      expect(answer.ok).toBe(false);
      expect(answer.ok ? '' : answer.error.message).toMatch(/bundles no co-op server; set a sync server URL/);
      expect(existsSync(join(dataDir, 'coop-server'))).toBe(false);
      expect(ok(await app.dispatch('account.status', {}))).toMatchObject({ signedIn: false });
    } finally {
      await app.close();
    }
  });
});
