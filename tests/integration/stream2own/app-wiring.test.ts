import { describe, expect, it } from 'vitest';
import { createAppServices } from '../../../src/main/services/app-services';
import { FakeClock } from '../../../src/main/services/core/clock';
import { silentLogger } from '../../../src/main/services/core/logger';
import { aTrack, tempDir } from './harness';

describe('stream to own wired into the app services', () => {
  it('answers the wallet and player calls and serves co-op media only to the live session', async () => {
    const dataDir = tempDir();
    const app = createAppServices({
      dataDir,
      clock: new FakeClock(),
      logger: silentLogger,
      settingsBackend: { store: {} },
      host: { kind: 'web', pickFolder: async () => null, mediaUrl: (p) => `/media/${p}` },
      appVersion: '0.0.0-test',
    });
    try {
      const wallet = await app.dispatch('wallet.get', {});
      expect(wallet).toMatchObject({
        ok: true,
        value: { balanceThousandths: 0, spendableThousandths: 0, lowBalance: true },
      });
      app.stream2own.catalog.upsert([aTrack('a', {}, dataDir)]);
      const opened = await app.dispatch('player.open', { source: 'coop', trackId: 'a' });
      expect(opened.ok).toBe(true);
      const { sessionId, mediaPath, mediaUrl } = (
        opened as { ok: true; value: { sessionId: string; mediaPath: string; mediaUrl: string } }
      ).value;
      expect(mediaUrl).toBe(`/media/${mediaPath}`);
      expect(await app.media.resolve(mediaPath)).toMatchObject({ contentType: 'audio/mpeg' });
      await app.dispatch('player.close', { sessionId });
      expect(await app.media.resolve(mediaPath)).toBeNull();
      expect(await app.dispatch('coop.tracks', {})).toMatchObject({ ok: true, value: { total: 1 } });
    } finally {
      await app.close();
    }
  });
});
