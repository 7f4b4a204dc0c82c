import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../../src/main/services/db/database';
import { stream2ownMigrations } from '../../../src/main/services/wallet/migrations';
import { verifySignedPlayReceipt } from '../../../src/node/receipt-signing';
import { OutboxStore } from '../../../src/main/services/wallet/outbox-store';
import { tempDir } from './harness';

const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the child until it dies; kills it after `killAfterMs` if given. Resolves with the signal it died of. */
function runChild(dataDir: string, mode: string, killAfterMs?: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, mode], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      if (killAfterMs !== undefined && d.toString().includes('ready'))
        setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) =>
      signal ? resolve(signal) : reject(new Error(`child exited with ${code}: ${stderr}`)),
    );
  });
}

/** Every charge has its receipt and every receipt its play; the wallet adds up. */
function inspect(dataDir: string) {
  const db = openDatabase(join(dataDir, 'library.sqlite'));
  try {
    migrate(db, stream2ownMigrations);
    const plays = db.prepare("SELECT COUNT(*) AS n FROM coop_plays WHERE outcome != 'preview'").get() as {
      n: number;
    };
    const receipts = db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number };
    const orphanPlays = db
      .prepare(
        "SELECT COUNT(*) AS n FROM coop_plays p LEFT JOIN outbox o ON o.id = p.receipt_id WHERE p.outcome != 'preview' AND o.id IS NULL",
      )
      .get() as { n: number };
    const orphanReceipts = db
      .prepare(
        'SELECT COUNT(*) AS n FROM outbox o LEFT JOIN coop_plays p ON p.receipt_id = o.id WHERE p.id IS NULL',
      )
      .get() as { n: number };
    const charged = db.prepare('SELECT COALESCE(SUM(charge_thousandths), 0) AS n FROM coop_plays').get() as {
      n: number;
    };
    const progress = db
      .prepare('SELECT COALESCE(SUM(counted_plays), 0) AS n FROM coop_track_progress')
      .get() as { n: number };
    const seqs = db
      .prepare(
        'SELECT d.next_seq - 1 AS issued, COUNT(o.id) AS n FROM devices d LEFT JOIN outbox o ON o.device_id = d.id GROUP BY d.id',
      )
      .all() as { issued: number; n: number }[];
    const outbox = new OutboxStore(db);
    const allVerify = outbox
      .unanswered(100_000)
      .every((s) => verifySignedPlayReceipt(s, outbox.devicePublicKey(s.receipt.deviceId)!).ok);
    return {
      plays: plays.n,
      receipts: receipts.n,
      orphanPlays: orphanPlays.n,
      orphanReceipts: orphanReceipts.n,
      charged: charged.n,
      progress: progress.n,
      seqs,
      allVerify,
    };
  } finally {
    db.close();
  }
}

describe('crash safety of a charge and its receipt', () => {
  it('killed inside the transaction: neither the charge nor the receipt is there', async () => {
    const dir = tempDir();
    expect(await runChild(dir, 'in-transaction')).toBe('SIGKILL');
    expect(inspect(dir)).toMatchObject({
      plays: 0,
      receipts: 0,
      charged: 0,
      progress: 0,
      orphanPlays: 0,
      orphanReceipts: 0,
    });
  });

  it('killed right after the commit: both are there', async () => {
    const dir = tempDir();
    expect(await runChild(dir, 'after-commit')).toBe('SIGKILL');
    expect(inspect(dir)).toMatchObject({
      plays: 1,
      receipts: 1,
      charged: 2,
      progress: 1,
      orphanPlays: 0,
      orphanReceipts: 0,
      allVerify: true,
    });
  });

  it('killed at random moments, again and again: charges, receipts, progress and seq numbers always agree', async () => {
    const dir = tempDir();
    for (const ms of [150, 400, 700, 1_000]) {
      expect(await runChild(dir, 'loop', ms)).toBe('SIGKILL');
      const state = inspect(dir);
      expect(state.orphanPlays).toBe(0);
      expect(state.orphanReceipts).toBe(0);
      expect(state.plays).toBe(state.receipts);
      expect(state.progress).toBe(state.plays);
      for (const d of state.seqs) expect(d.issued).toBe(d.n);
      expect(state.allVerify).toBe(true);
    }
    expect(inspect(dir).plays).toBeGreaterThan(0);
  });
});
