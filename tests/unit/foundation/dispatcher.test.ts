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
    settingsBackend: new Conf<Record<string, unknown>>({
      cwd: dataDir,
      configName: 'settings',
      projectName: 't',
    }),
    host: { kind: 'web', pickFolder: async () => null, mediaUrl: (p) => `/media/${p}` },
    appVersion: '9.9.9',
  });
  return services;
}

describe('the contract dispatcher', () => {
  it('answers a valid call from the real service', async () => {
    const s = build();
    const info = await s.dispatch('app.info', {});
    expect(info).toMatchObject({ ok: true, value: { version: '9.9.9', host: 'web' } });
    expect(await s.dispatch('settings.update', { volume: 0.25 })).toMatchObject({
      ok: true,
      value: { volume: 0.25 },
    });
  });

  it('rejects invalid input with a typed error naming each field, before the handler runs', async () => {
    const s = build();
    const changes: unknown[] = [];
    s.events.subscribe((name, payload) => name === 'settings.changed' && changes.push(payload));
    const bad = await s.dispatch('settings.update', { volume: 'loud' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'volume' }] } });
    // The handler never ran: it announces every update, and the first valid one is the first announced.
    expect(changes).toEqual([]);
    expect(await s.dispatch('settings.update', { volume: 0.5 })).toMatchObject({ ok: true });
    expect(changes).toMatchObject([{ volume: 0.5 }]);
  });

  it('rejects unknown fields and unknown calls', async () => {
    const s = build();
    expect(await s.dispatch('app.info', { extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await s.dispatch('settings.update', { volume: 0.5, extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await s.dispatch('app.deleteEverything', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_call' },
    });
    expect(await s.dispatch({ toString: 1 }, {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_call' },
    });
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
    // domain.call, both camelCase (coopNode.status)
    for (const name of callNames) expect(name).toMatch(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
  });
});
