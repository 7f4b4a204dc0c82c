import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultScanWorkerEntry, ScanWorkerPool } from '../../../src/main/services/library/scan/worker-pool';
import { makeFixtures, place } from './audio-fixtures';

let fx: ReturnType<typeof makeFixtures>;
beforeAll(() => {
  fx = makeFixtures();
});
afterAll(() => fx.cleanup());

describe('ScanWorkerPool', () => {
  it('runs the TypeScript worker source under vitest (the default entry)', async () => {
    const entry = defaultScanWorkerEntry();
    expect(entry.url.pathname).toMatch(/scan-worker\.ts$/);
    const pool = new ScanWorkerPool({ entry, size: 2, inFlightPerWorker: 2, timeoutMs: 10_000 });
    try {
      const results = await Promise.all([
        pool.read(fx.files.flac),
        pool.read(fx.files.opus),
        pool.read(join(fx.dir, 'none.mp3')),
      ]);
      expect(results[0]).toMatchObject({ ok: true, info: { codec: 'FLAC' } });
      expect(results[1]).toMatchObject({ ok: true, info: { codec: 'Opus', durationMs: 3500 } });
      expect(results[2]).toMatchObject({ ok: false, reason: 'vanished' });
    } finally {
      await pool.close();
    }
  });

  it('gives up on a file that hangs, replaces its worker, and retries the innocent files once', async () => {
    const entry = { url: new URL('./slow-scan-worker.ts', import.meta.url), typescript: true };
    const pool = new ScanWorkerPool({ entry, size: 1, inFlightPerWorker: 3, timeoutMs: 600 });
    try {
      const hang = place(fx.files.mp3, join(fx.dir, 'hang.mp3'));
      const slow = place(fx.files.mp3, join(fx.dir, 'slow50-ok.mp3'));
      const results = await Promise.all([pool.read(hang), pool.read(fx.files.ogg), pool.read(slow)]);
      expect(results[0]).toMatchObject({ ok: false, reason: 'timeout' });
      expect(results[1]).toMatchObject({ ok: true });
      expect(results[2]).toMatchObject({ ok: true });
      const crash = place(fx.files.mp3, join(fx.dir, 'crash.mp3'));
      expect(await pool.read(crash)).toMatchObject({ ok: false, reason: 'crashed' });
      expect(await pool.read(fx.files.flac)).toMatchObject({ ok: true });
    } finally {
      await pool.close();
    }
  });
});
