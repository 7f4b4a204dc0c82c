import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TlogStatus } from '../../../src/shared/contract/tlog';
import { formatVkey } from '../../../src/shared/tlog';
import { FakeClock } from '../../../src/main/services/core/clock';
import { EventHub } from '../../../src/main/services/core/events';
import { silentLogger } from '../../../src/main/services/core/logger';
import { migrate, openDatabase } from '../../../src/main/services/db/database';
import { allMigrations } from '../../../src/main/services/db/migrations';
import { syncMigrations } from '../../../src/main/services/sync/migrations';
import { createTlogDomain } from '../../../src/main/services/tlog/domain';

/**
 * The app's public-log settings (`tlog.configure`) and evidence export on a
 * domain that has not reached any server: what it accepts, what it refuses
 * (keeping nothing of a refused change), and what the listener is told.
 */
const key = (name: string, type: number, byte: number) =>
  formatVkey(
    name,
    type,
    Uint8Array.from({ length: 32 }, (_, i) => (i * byte + 3) & 0xff),
  );
const LOG_KEY = key('log.example', 0x01, 5);
const WITNESS_A = key('witness.example/a', 0x04, 7);
const WITNESS_B = key('witness.example/b', 0x04, 11);

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tlogApp() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tlog-configure-'));
  dirs.push(dataDir);
  const db = openDatabase(':memory:');
  // The log's counts read the sync domain's device table, as in the app.
  migrate(db, [...allMigrations, ...syncMigrations]);
  const events = new EventHub();
  const changes: TlogStatus[] = [];
  events.subscribe((name, payload) => {
    if (name === 'tlog.changed') changes.push(payload as TlogStatus);
  });
  const domain = createTlogDomain({
    db,
    dataDir,
    clock: new FakeClock(),
    logger: silentLogger,
    events,
    serverKey: () => 'https://coop.example',
    request: () => Promise.reject(new Error('no network in this test')),
  });
  const call = domain.handlers;
  return { domain, call, changes };
}

describe('the public log settings', () => {
  it('keeps a log key and witnesses it can parse, tells the listener, and clears the log key on null', async () => {
    const { call, changes } = tlogApp();
    const configured = await call['tlog.configure']({
      logKey: LOG_KEY,
      witnesses: [WITNESS_A, WITNESS_B],
      requiredWitnesses: 2,
    });
    expect(configured).toMatchObject({
      logKey: LOG_KEY,
      witnesses: [WITNESS_A, WITNESS_B],
      requiredWitnesses: 2,
      state: 'unchecked',
    });
    expect(changes.at(-1)).toMatchObject({ logKey: LOG_KEY, requiredWitnesses: 2 });
    expect(await call['tlog.configure']({ logKey: null })).toMatchObject({
      logKey: null,
      requiredWitnesses: 2,
    });
  });

  it('refuses a witness key as the log key, a log key as a witness, a non-key, and more required cosignatures than witnesses', async () => {
    const { call, changes } = tlogApp();
    await call['tlog.configure']({ logKey: LOG_KEY, witnesses: [WITNESS_A], requiredWitnesses: 1 });
    const before = await call['tlog.status']({});
    const emitted = changes.length;
    const refusals: Array<[Parameters<(typeof call)['tlog.configure']>[0], RegExp]> = [
      [{ logKey: WITNESS_A }, /log key is not an Ed25519 log key/],
      [{ witnesses: [LOG_KEY] }, /witness key is not an Ed25519 witness key/],
      [{ logKey: 'not a key' }, /log key is not a signed-note key/],
      [{ requiredWitnesses: 2 }, /2 cosignatures are required but 1 witness keys are known/],
      // Valid witnesses with an impossible count: the witnesses are not kept either.
      [{ witnesses: [WITNESS_B], requiredWitnesses: 3 }, /3 cosignatures are required/],
    ];
    for (const [input, message] of refusals) {
      await expect(Promise.resolve().then(() => call['tlog.configure'](input))).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(message),
      });
    }
    expect(await call['tlog.status']({})).toEqual(before);
    expect(changes).toHaveLength(emitted);
  });
});

describe('the evidence export with nothing caught', () => {
  it('writes a file only this user can read, naming the server and no failures', async () => {
    const { call } = tlogApp();
    const exported = await call['tlog.exportEvidence']({});
    expect(exported.failures).toBe(0);
    expect(statSync(exported.path).mode & 0o777).toBe(0o600);
    const body = JSON.parse(readFileSync(exported.path, 'utf8'));
    expect(body).toMatchObject({
      format: 'resonate/tlog-evidence',
      version: 1,
      latest: { serverKey: 'https://coop.example', checkpoint: null },
      failures: [],
    });
  });
});

describe('a check after a sync', () => {
  it('answers a check it cannot run (the server unreachable) as offline, without throwing', async () => {
    const { domain, changes } = tlogApp();
    await domain.afterSync({ startedAtMs: 0 });
    expect(domain.status()).toMatchObject({ state: 'offline', lastError: expect.any(String) });
    expect(changes.at(-1)?.state).toBe('offline');
  });
});
