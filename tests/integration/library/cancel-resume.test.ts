import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtures, place } from '../../unit/library/audio-fixtures';
import { openLibrary, tempDir, type OpenLibrary } from './library-harness';

let fx: ReturnType<typeof makeFixtures>;
let music: string;
const FILES = 40;
beforeAll(() => {
  fx = makeFixtures();
  music = tempDir();
  // The test worker sleeps 150 ms per `slow150` file, so a scan takes long enough to stop halfway.
  const kinds = ['mp3', 'flac', 'ogg', 'opus', 'm4a'] as const;
  for (let i = 0; i < FILES; i++) {
    const kind = kinds[i % kinds.length]!;
    place(fx.files[kind], join(music, `Album ${i % 4}`, `slow150-${String(i).padStart(2, '0')}.${kind}`));
  }
});
afterAll(() => {
  fx.cleanup();
  rmSync(music, { recursive: true, force: true });
});

const slowWorker = {
  url: new URL('../../unit/library/slow-scan-worker.ts', import.meta.url),
  typescript: true,
};

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function count(lib: OpenLibrary): number {
  return (lib.db.prepare('SELECT count(*) AS n FROM library_tracks').get() as { n: number }).n;
}

describe('cancel and resume', () => {
  it('cancels a scan, keeping what it read; the next scan reads only the rest', async () => {
    const lib = openLibrary({ scanWorker: slowWorker });
    try {
      await lib.call('library.addFolder', { path: music });
      await until(() => lib.service.scanStatus().done >= 8);
      const cancelled = await lib.call<{ state: string }>('library.cancelScan');
      expect(cancelled).toBeTruthy();
      await lib.service.waitForIdle();
      const last = lib.service.scanStatus().last!;
      expect(last.cancelled).toBe(true);
      const kept = count(lib);
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(FILES);
      // A cancel is the user's choice: not resumed by itself...
      expect(lib.db.prepare('SELECT status FROM library_scan_state').get()).toEqual({ status: 'cancelled' });
      // ...but the next scan skips what is done.
      const rest = await lib.service.scanAndWait();
      expect(rest).toMatchObject({ cancelled: false, skipped: kept, added: FILES - kept });
      expect(count(lib)).toBe(FILES);
    } finally {
      await lib.close();
    }
  });

  it('resumes a scan cut short by a quit or crash at the next start', async () => {
    const first = openLibrary({ scanWorker: slowWorker });
    await first.call('library.addFolder', { path: music });
    await until(() => first.service.scanStatus().done >= 8);
    await first.domain.close(); // quit mid-scan
    const kept = count(first);
    expect(first.db.prepare('SELECT status FROM library_scan_state').get()).toEqual({ status: 'running' });
    first.db.close();
    expect(kept).toBeLessThan(FILES);

    const second = openLibrary({ dataDir: first.dataDir, store: first.store, scanWorker: slowWorker });
    try {
      // start() found the scan marked running and resumed it without being asked.
      expect(second.service.scanStatus().state).toBe('scanning');
      await second.service.waitForIdle();
      expect(second.service.scanStatus().last).toMatchObject({
        skipped: kept,
        added: FILES - kept,
        cancelled: false,
      });
      expect(count(second)).toBe(FILES);
      expect(second.db.prepare('SELECT status FROM library_scan_state').get()).toEqual({ status: 'done' });
    } finally {
      await second.close();
    }
  });
});
