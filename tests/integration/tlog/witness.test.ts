import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseNote, toBase64, verifiedCosignatures, verifyCheckpoint } from '../../../src/shared/tlog';
import {
  witnessRound,
  witnessVkey,
  type WitnessKey,
  type WitnessState,
} from '../../../src/cli/commands/witness';
import { freshStore, tempDir } from '../server/harness';
import { CheatingLog } from './cheating-log';
import { append, logServer, playEvent } from './helpers';

const KEY: WitnessKey = {
  name: 'witness.test/artist-a',
  privateKey: toBase64(Uint8Array.from({ length: 32 }, (_, i) => i * 3)),
};
let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function cheatingLog(): Promise<CheatingLog> {
  const log = new CheatingLog();
  await log.start();
  cleanups.push(() => log.stop());
  return log;
}

const leaves = (from: number, to: number, tag = '') =>
  Array.from({ length: to - from }, (_, i) => `leaf ${from + i}${tag}`);

describe('witness against the real server', () => {
  it('cosigns the checkpoint, which the server then publishes; after more leaves it verifies consistency and cosigns again', async () => {
    const store = await freshStore('sqlite');
    const server = await logServer(store);
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(async () => {
      await server.close();
      await store.cleanup();
    });
    const url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    await append(server, [playEvent(0), playEvent(1), playEvent(2)]);
    const first = await witnessRound({ log: url, key: KEY, state: null });
    expect(first.report).toMatchObject({ ok: true, event: 'cosigned', size: 3 });
    const published = await (await fetch(`${url}/v1/log/checkpoint`)).text();
    expect(verifiedCosignatures(parseNote(published), [witnessVkey(KEY)]).map((c) => c.name)).toEqual([
      KEY.name,
    ]);
    expect((await witnessRound({ log: url, key: KEY, state: first.state })).report).toEqual({
      ok: true,
      event: 'unchanged',
      size: 3,
    });
    await append(server, [playEvent(3), playEvent(4)]);
    const second = await witnessRound({ log: url, key: KEY, state: first.state });
    expect(second.report).toMatchObject({ ok: true, event: 'cosigned', size: 5 });
    expect(second.state!.size).toBe(5);
  });

  it('the CLI: `witness --once` creates its key, cosigns, keeps its state and prints one JSON line', async () => {
    const store = await freshStore('sqlite');
    const server = await logServer(store);
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(async () => {
      await server.close();
      await store.cleanup();
    });
    const url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    await append(server, [playEvent(0)]);
    const dir = tempDir('resonate-witness-');
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const keyFile = join(dir, 'witness.json');
    const root = resolve(import.meta.dirname, '../../..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'src/cli/index.ts'),
        'witness',
        '--log',
        url,
        '--key',
        keyFile,
        '--name',
        'witness.test/cli',
        '--once',
      ],
      { cwd: root },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ ok: true, event: 'key_created' });
    expect(lines[1]).toMatchObject({ ok: true, event: 'cosigned', size: 1, witness: 'witness.test/cli' });
    expect(existsSync(join(dir, 'witness.state.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'witness.state.json'), 'utf8')).size).toBe(1);
  });
});

describe('witness against a cheating log', () => {
  async function cosignedAt5(): Promise<{ log: CheatingLog; state: WitnessState }> {
    const log = await cheatingLog();
    log.add(leaves(0, 5));
    const round = await witnessRound({ log: log.url, key: KEY, state: null });
    expect(round.report).toMatchObject({ ok: true, event: 'cosigned', size: 5 });
    return { log, state: round.state! };
  }

  it('a split view (another checkpoint of the same size) is refused, with both signed notes as evidence', async () => {
    const { log, state } = await cosignedAt5();
    log.view = 'fork';
    log.add([...leaves(0, 4), 'leaf 4 as shown to someone else']);
    const round = await witnessRound({ log: log.url, key: KEY, state });
    expect(round.report).toMatchObject({ ok: false, event: 'refused', reason: 'split_view' });
    expect(round.state).toBe(state);
    const evidence = (round.report as { evidence: { cosigned: string; offered: string } }).evidence;
    // Both notes verify under the log's own key: the proof that it signed two histories.
    for (const note of [evidence.cosigned, evidence.offered])
      expect(verifyCheckpoint(note, log.vkey).ok).toBe(true);
    expect(evidence.cosigned).not.toBe(evidence.offered);
    expect(log.cosignatures).toHaveLength(1);
  });

  it('a rewritten history (a later checkpoint that does not extend the cosigned one) is refused as inconsistent', async () => {
    const { log, state } = await cosignedAt5();
    log.view = 'rewritten';
    log.add([...leaves(0, 2), 'leaf 2 rewritten', ...leaves(3, 8)]);
    const round = await witnessRound({ log: log.url, key: KEY, state });
    expect(round.report).toMatchObject({ ok: false, event: 'refused', reason: 'inconsistent' });
    expect(round.state).toBe(state);
    // The honest extension of the same history is cosigned.
    log.view = 'honest';
    log.add(leaves(5, 8));
    expect((await witnessRound({ log: log.url, key: KEY, state })).report).toMatchObject({
      ok: true,
      event: 'cosigned',
      size: 8,
    });
  });

  it('a rollback to a smaller tree and a checkpoint signed by another key are refused', async () => {
    const { log, state } = await cosignedAt5();
    log.shownSize = 3;
    expect((await witnessRound({ log: log.url, key: KEY, state })).report).toMatchObject({
      ok: false,
      reason: 'rollback',
    });
    log.shownSize = null;
    log.add(leaves(5, 6));
    log.forgerSeed = Uint8Array.from({ length: 32 }, () => 7);
    expect((await witnessRound({ log: log.url, key: KEY, state })).report).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('an unreachable log is reported, not cosigned', async () => {
    const round = await witnessRound({ log: 'http://127.0.0.1:9', key: KEY, state: null });
    expect(round.report).toMatchObject({ ok: false, reason: 'unreachable' });
  });
});
