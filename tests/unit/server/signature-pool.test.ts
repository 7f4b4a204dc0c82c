import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateEd25519KeyPair, signEd25519, verifyEd25519 } from '../../../src/node/ed25519';
import { PublicKeyCache, verifyWithKeyCache } from '../../../src/server/settlement/ed25519-key-cache';
import {
  SignaturePool,
  defaultSignatureWorkerEntry,
  type SignatureJob,
} from '../../../src/server/settlement/signature-pool';

/**
 * The signature pool runs its worker from TypeScript source here (vitest),
 * as under `npm run server` (tsx): these tests prove the worker starts,
 * answers the same verdicts as `verifyEd25519`, and that nothing waits on a
 * pool that is busy, not started, or dead.
 */
const keys = [generateEd25519KeyPair(), generateEd25519KeyPair()];

function jobs(n: number): { jobs: SignatureJob[]; expected: boolean[] } {
  const out: SignatureJob[] = [];
  const expected: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const k = keys[i % 2]!;
    const message = new TextEncoder().encode(`receipt ${i}`);
    let signature = signEd25519(k.privateKey, message);
    let publicKey = k.publicKey;
    const kind = i % 5;
    if (kind === 1) signature = signEd25519(keys[(i + 1) % 2]!.privateKey, message); // another device's key
    if (kind === 2) signature = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BA' : 'AA'); // tampered
    if (kind === 3) publicKey = 'not-a-key';
    out.push({ publicKey, message, signature });
    expected.push(verifyEd25519(publicKey, message, signature));
  }
  return { jobs: out, expected };
}

let pool: SignaturePool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('signature pool', () => {
  it('runs the worker from its TypeScript source and gives the verdicts verifyEd25519 gives', async () => {
    expect(defaultSignatureWorkerEntry().typescript).toBe(true);
    pool = new SignaturePool({ size: 1, chunkSize: 8 });
    await pool.warmUp();
    expect(pool.readyWorkers).toBe(1);
    const { jobs: js, expected } = jobs(60);
    expect(expected.filter(Boolean).length).toBe(24); // kinds 0 and 4 verify
    const check = pool.submit(js);
    // Let the worker take chunks before the caller helps (awaiting result() makes it help), however busy the machine.
    await vi.waitFor(() => expect(pool!.stats.byWorkers).toBeGreaterThan(0), {
      timeout: 30_000,
      interval: 10,
    });
    expect(await check.result()).toEqual(expected);
    expect(pool.stats.byWorkers).toBeGreaterThan(0);
  });

  it('verifies on the calling thread with no workers, and for an empty batch', async () => {
    pool = new SignaturePool({ size: 0 });
    const { jobs: js, expected } = jobs(23);
    expect(await pool.submit(js).result()).toEqual(expected);
    expect(await pool.submit([]).result()).toEqual([]);
    expect(pool.stats).toEqual({ byWorkers: 0, byCaller: 23 });
  });

  it('keeps concurrent batches apart, the caller taking what the busy worker has not', async () => {
    pool = new SignaturePool({ size: 1, chunkSize: 5 });
    await pool.warmUp();
    const batches = Array.from({ length: 6 }, (_, i) => jobs(30 + i));
    const answers = await Promise.all(batches.map((b) => pool!.submit(b.jobs).result()));
    answers.forEach((a, i) => expect(a).toEqual(batches[i]!.expected));
    expect(pool.stats.byWorkers + pool.stats.byCaller).toBe(batches.reduce((n, b) => n + b.jobs.length, 0));
    expect(pool.stats.byCaller).toBeGreaterThan(0);
  });

  it('answers every batch when a worker dies, on the calling thread', async () => {
    const errors: unknown[] = [];
    pool = new SignaturePool({ size: 1, chunkSize: 4, onWorkerError: (e) => errors.push(e) });
    await pool.warmUp();
    const { jobs: js, expected } = jobs(40);
    const check = pool.submit(js);
    // Kill the worker with its chunks in flight.
    const slot = [
      ...(pool as unknown as { slots: Set<{ worker: { terminate(): Promise<number> } }> }).slots,
    ][0]!;
    await slot.worker.terminate();
    expect(await check.result()).toEqual(expected);
    expect(errors.length).toBe(1);
    // The next batch starts a new worker.
    const again = jobs(10);
    expect(await pool.submit(again.jobs).result()).toEqual(again.expected);
  });

  it('caches imported keys, least recently used out', () => {
    const cache = new PublicKeyCache(2);
    const [a, b] = keys;
    const c = generateEd25519KeyPair();
    const m = new Uint8Array([1, 2, 3]);
    expect(verifyWithKeyCache(cache, a!.publicKey, m, signEd25519(a!.privateKey, m))).toBe(true);
    const first = cache.get(a!.publicKey);
    cache.get(b!.publicKey);
    expect(cache.get(a!.publicKey)).toBe(first); // a is now most recent
    cache.get(c.publicKey); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.get(a!.publicKey)).toBe(first);
    expect(cache.get('AAAA')).toBeNull();
    expect(verifyWithKeyCache(cache, a!.publicKey, m, 'short')).toBe(false);
  });
});
