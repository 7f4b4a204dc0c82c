import Conf from 'conf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callNames, contractCalls } from '../../../src/shared/contract';
import { createAppServices, type AppServices } from '../../../src/main/services/app-services';
import { FakeClock } from '../../../src/main/services/core/clock';
import { silentLogger } from '../../../src/main/services/core/logger';

let services: AppServices | undefined;
afterEach(async () => {
  await services?.close();
  services = undefined;
});

function build(dataDir = mkdtempSync(join(tmpdir(), 'resonate-dispatch-'))) {
  services = createAppServices({
    dataDir,
    clock: new FakeClock(),
    logger: silentLogger,
    settingsBackend: new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'settings', projectName: 't' }),
    host: { kind: 'web', pickFolder: async () => null, mediaUrl: (p) => `/media/${p}` },
    appVersion: '9.9.9',
  });
  return services;
}

describe('the contract dispatcher', () => {
  it('answers a valid call from the real service', async () => {
    const s = build();
    expect(await s.dispatch('app.echo', { text: 'hi' })).toEqual({ ok: true, value: { text: 'HI', calls: 1 } });
    const info = await s.dispatch('app.info', {});
    expect(info).toMatchObject({ ok: true, value: { version: '9.9.9', host: 'web' } });
  });

  it('rejects invalid input with a typed error naming each field, before the handler runs', async () => {
    const s = build();
    const bad = await s.dispatch('app.echo', { text: 42 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'text' }] } });
    // The handler never ran: the first valid call is call number one.
    expect(await s.dispatch('app.echo', { text: 'x' })).toMatchObject({ ok: true, value: { calls: 1 } });
  });

  it('rejects unknown fields and unknown calls', async () => {
    const s = build();
    expect(await s.dispatch('app.echo', { text: 'x', extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await s.dispatch('app.deleteEverything', {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(await s.dispatch({ toString: 1 }, {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
  });

  it('keeps settings unchanged when an update is invalid', async () => {
    const s = build();
    const before = await s.dispatch('settings.get', {});
    const bad = await s.dispatch('settings.update', { volume: 3, theme: 'dark' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'volume' }] } });
    expect(await s.dispatch('settings.get', {})).toEqual(before);
  });

  it('has a handler for every call in the contract', () => {
    expect(callNames.length).toBe(Object.keys(contractCalls).length);
    for (const name of callNames) expect(name).toMatch(/^[a-z]+\.[A-Za-z]+$/);
  });
});
