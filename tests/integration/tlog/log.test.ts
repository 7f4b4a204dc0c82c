import { afterEach, describe, expect, it, vi } from 'vitest';
import { withTlog } from '../../../src/server/tlog/schema';
import {
  decodeEntryBundle,
  fromBase64,
  hashFromBase64,
  hashLeafText,
  parseLeaf,
  parseNote,
  rootOfLeafHashes,
  splitHashTile,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  cosignatureLine,
  formatVkey,
  publicKeyOf,
  SIG_COSIGNATURE_V1,
  toBase64,
} from '../../../src/shared/tlog';
import { inTransaction } from '../../../src/server/db/transaction';
import { appendLogLeaves } from '../../../src/server/tlog/append';
import { freshStore, postgresUnavailableReason, type StoreTarget } from '../server/harness';
import type { BuiltServer } from '../../../src/server/app';
import { append, get, logServer, playEvent } from './helpers';

const pgReason = await postgresUnavailableReason();
if (pgReason) console.log(`[tlog] PostgreSQL cases skipped: ${pgReason}`);
const kinds = (['sqlite', 'postgres'] as const).filter((k) => k === 'sqlite' || !pgReason);

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function open(
  kind: 'sqlite' | 'postgres',
  config: object = {},
): Promise<{ store: StoreTarget; server: BuiltServer }> {
  const store = await freshStore(kind);
  const server = await logServer(store, config);
  cleanups.push(async () => {
    await server.close();
    await store.cleanup();
  });
  return { store, server };
}

async function checkpoint(server: BuiltServer) {
  const vkey = (await get(server, '/v1/log/key')).json.vkey as string;
  const note = (await get(server, '/v1/log/checkpoint')).text;
  const verdict = verifyCheckpoint(note, vkey);
  if (!verdict.ok) throw new Error(verdict.reason);
  return { vkey, note, ...verdict.checkpoint };
}

describe.each(kinds)('transparency log on %s', (kind) => {
  it('appended leaves are in the signed checkpoint: every inclusion proof (by index and by receipt id) verifies against it', async () => {
    const { server } = await open(kind);
    const events = Array.from({ length: 40 }, (_, i) => playEvent(i));
    await append(server, events.slice(0, 15));
    const first = await checkpoint(server);
    expect(first.size).toBe(15);
    await append(server, events.slice(15));
    const second = await checkpoint(server);
    expect(second.size).toBe(40);
    for (let i = 0; i < 40; i++) {
      const p = (await get(server, `/v1/log/proof/inclusion?index=${i}&size=40`)).json;
      expect(hashLeafText(p.leaf)).toEqual(hashFromBase64(p.leafHash));
      expect(
        verifyInclusion(i, 40, hashFromBase64(p.leafHash), p.proof.map(fromBase64), second.root),
      ).toEqual({ ok: true });
      const leaf = parseLeaf(p.leaf);
      expect(leaf.ok && leaf.leaf.event).toBe((events[i] as { contentHash: string }).contentHash);
    }
    const byReceipt = (
      await get(server, `/v1/log/proof/inclusion?receiptId=${(events[7] as { receiptId: string }).receiptId}`)
    ).json;
    expect(byReceipt.index).toBe(7);
    expect(byReceipt.size).toBe(40);
    const c = (await get(server, '/v1/log/proof/consistency?from=15&to=40')).json;
    expect(verifyConsistency(15, 40, first.root, second.root, c.proof.map(fromBase64))).toEqual({ ok: true });
    // No personal data: the account id is not in any leaf.
    const all = (await get(server, '/v1/log/leaves?start=0&end=40')).json.leaves as Array<{ leaf: string }>;
    expect(all.some((l) => l.leaf.includes('user-'))).toBe(false);
  });

  it('signs checkpoints by itself while leaves arrive (every checkpointIntervalMs), with no one asking', async () => {
    const { server } = await open(kind, { transparencyLog: { checkpointIntervalMs: 100 } });
    const db = withTlog(server.ctx.store.db);
    const latest = async () =>
      (await db.selectFrom('tlog_checkpoints').select('size').orderBy('size', 'desc').executeTakeFirst())
        ?.size;
    await append(server, [playEvent(0), playEvent(1), playEvent(2)]);
    await vi.waitFor(async () => expect(Number(await latest())).toBe(3), { timeout: 15_000, interval: 50 });
    await append(server, [playEvent(3)]);
    await vi.waitFor(async () => expect(Number(await latest())).toBe(4), { timeout: 15_000, interval: 50 });
  });

  it('a rolled-back settlement leaves no leaf and no hole: the next append takes the same index', async () => {
    const { server } = await open(kind);
    await append(server, [playEvent(0)]);
    await expect(
      inTransaction(server.ctx.store, async (tx) => {
        await appendLogLeaves(server.ctx, tx, [playEvent(1), playEvent(2)]);
        throw new Error('settlement failed after its leaves');
      }),
    ).rejects.toThrow('settlement failed');
    const next = playEvent(3);
    await append(server, [next]);
    expect((await checkpoint(server)).size).toBe(2);
    const leaves = (await get(server, '/v1/log/leaves?start=0&end=2')).json.leaves;
    expect(leaves.map((l: { index: number }) => l.index)).toEqual([0, 1]);
    expect(JSON.parse(leaves[1].leaf).event).toBe((next as { contentHash: string }).contentHash);
  });

  it('serves tiles per tlog-tiles: full level-0 tile and entry bundle rebuild the root of the checkpoint', async () => {
    const { server } = await open(kind);
    const events = Array.from({ length: 300 }, (_, i) => playEvent(i));
    await append(server, events);
    const cp = await checkpoint(server);
    const full = await get(server, '/v1/log/tile/0/000');
    expect(full.status).toBe(200);
    expect(full.headers['cache-control']).toContain('immutable');
    const partial = await get(server, '/v1/log/tile/0/001.p/44');
    expect(partial.status).toBe(200);
    expect((await get(server, '/v1/log/tile/0/001.p/45')).status).toBe(404);
    const hashes = [
      ...splitHashTile(new Uint8Array(full.raw)),
      ...splitHashTile(new Uint8Array(partial.raw)),
    ];
    expect(hashes).toHaveLength(300);
    const entries = [
      ...decodeEntryBundle(new Uint8Array((await get(server, '/v1/log/tile/entries/000')).raw)),
      ...decodeEntryBundle(new Uint8Array((await get(server, '/v1/log/tile/entries/001.p/44')).raw)),
    ];
    expect(entries.map((e) => hashLeafText(new TextDecoder().decode(e)))).toEqual(hashes);
    expect(rootOfLeafHashes(hashes)).toEqual(cp.root);
    // Level 1 has one partial tile of one hash: the root of the first 256 leaves.
    const level1 = await get(server, '/v1/log/tile/1/000.p/1');
    expect(new Uint8Array(level1.raw)).toEqual(rootOfLeafHashes(hashes.slice(0, 256)));
  });

  it('accepts a witness cosignature of its checkpoint and publishes it; refuses one over a checkpoint it never signed or that does not verify', async () => {
    const { server } = await open(kind);
    await append(server, [playEvent(0), playEvent(1)]);
    const cp = await checkpoint(server);
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i + 9);
    const vkey = formatVkey('witness.test/w', SIG_COSIGNATURE_V1, publicKeyOf(seed));
    const body = parseNote(cp.note).body;
    const line = cosignatureLine(body, 'witness.test/w', seed, Math.floor(Date.now() / 1000));
    const post = (cosigned: string, key = vkey) =>
      server.app.inject({ method: 'POST', url: '/v1/log/cosignatures', payload: { vkey: key, cosigned } });
    expect((await post(cp.note + line)).statusCode).toBe(201);
    expect((await get(server, '/v1/log/checkpoint')).text).toBe(cp.note + line);
    const forgedBody = body.replace('\n2\n', '\n3\n');
    const forged = `${forgedBody}\n${parseNote(cp.note).signatures[0]!.line}${cosignatureLine(forgedBody, 'witness.test/w', seed, 1)}`;
    expect((await post(forged)).statusCode).toBe(409);
    const otherSeed = Uint8Array.from({ length: 32 }, (_, i) => i + 10);
    expect((await post(cp.note + cosignatureLine(body, 'witness.test/w', otherSeed, 1))).statusCode).toBe(
      422,
    );
    expect((await post(cp.note + line, 'not a vkey')).statusCode).toBe(400);
    expect(toBase64(cp.root)).toBe(body.split('\n')[2]);
  });
});
