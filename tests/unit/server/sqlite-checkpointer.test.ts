import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { openStore } from '../../../src/server/db/connect';

/** The embedded store's WAL is copied into the database file by the checkpoint thread, not by commits. */
describe('SQLite background checkpoints', () => {
  it('moves committed pages into the database file beside the writer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resonate-ckpt-'));
    const store = await openStore({ kind: 'sqlite', dataDir: dir });
    try {
      const file = join(dir, 'resonate-server.sqlite');
      await new Promise((r) => setTimeout(r, 400)); // the migrations' pages settle first
      const before = statSync(file).size;
      for (let i = 0; i < 20; i++) {
        const rows = Array.from({ length: 200 }, (_, j) => ({
          key: `k-${i}-${j}-${'x'.repeat(100)}`,
          window_start: i,
          count: j,
        }));
        await store.db.insertInto('rate_limits').values(rows).execute();
      }
      // Far below the backstop threshold: only the checkpoint thread can have grown the file (it runs every
      // 200 ms; on a busy machine later, so wait for it rather than for a fixed time).
      await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(before), {
        timeout: 30_000,
        interval: 50,
      });
      const count = await sql<{ n: number }>`SELECT count(*) AS n FROM rate_limits`.execute(store.db);
      expect(Number(count.rows[0]!.n)).toBe(4000);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
