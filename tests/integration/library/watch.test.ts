import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtures, place } from '../../unit/library/audio-fixtures';
import { chokidarWatchFactory, type WatchFactory } from '../../../src/main/services/library/folder-watcher';
import { openLibrary, tempDir } from './library-harness';

let fx: ReturnType<typeof makeFixtures>;
beforeAll(() => {
  fx = makeFixtures();
});
afterAll(() => fx.cleanup());

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('watching library folders', () => {
  it('picks up added and deleted files without a manual rescan', async () => {
    const music = tempDir();
    place(fx.files.mp3, join(music, 'first.mp3'));
    const lib = openLibrary({ watch: chokidarWatchFactory, watchDebounceMs: 200 });
    const total = async () => (await lib.call<{ total: number }>('library.tracks', {})).total;
    try {
      await lib.call('library.addFolder', { path: music });
      await lib.service.waitForIdle();
      expect(await lib.call('library.watchState')).toMatchObject({ mode: 'watching' });
      expect(await total()).toBe(1);
      await new Promise((r) => setTimeout(r, 300)); // let the watcher get ready
      place(fx.files.flac, join(music, 'New Album', 'second.flac'));
      await until(async () => (await total()) === 2);
      rmSync(join(music, 'first.mp3'));
      await until(async () => (await total()) === 1);
    } finally {
      await lib.close();
      rmSync(music, { recursive: true, force: true });
    }
  });

  it('falls back to periodic rescans when the OS watch limit is hit, and says so', async () => {
    const music = tempDir();
    const limited: WatchFactory = () => {
      throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
        code: 'ENOSPC',
      });
    };
    const lib = openLibrary({ watch: limited, pollIntervalMs: 300 });
    try {
      await lib.call('library.addFolder', { path: music });
      await lib.service.waitForIdle();
      const state = await lib.call<{ mode: string; reason: string; pollIntervalMs: number }>(
        'library.watchState',
      );
      expect(state).toMatchObject({ mode: 'polling', pollIntervalMs: 300 });
      expect(state.reason).toMatch(/ENOSPC/);
      expect(
        lib.seen.some(
          (e) => e.name === 'library.watchState' && (e.payload as { mode: string }).mode === 'polling',
        ),
      ).toBe(true);
      place(fx.files.ogg, join(music, 'late.ogg'));
      await until(async () => (await lib.call<{ total: number }>('library.tracks', {})).total === 1);
    } finally {
      await lib.close();
      rmSync(music, { recursive: true, force: true });
    }
  });
});
