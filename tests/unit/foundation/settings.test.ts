import Conf from 'conf';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSettings, SETTINGS_VERSION } from '../../../src/shared/settings';
import { SettingsService } from '../../../src/main/services/settings/settings-service';

const conf = (cwd: string) =>
  new Conf<Record<string, unknown>>({ cwd, configName: 'settings', projectName: 't' });

describe('settings', () => {
  it('starts from defaults and persists changes across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settings-'));
    const first = new SettingsService(conf(dir));
    expect(first.get()).toEqual(defaultSettings);
    first.update({ volume: 0.3, libraryFolders: ['/music'] });
    const second = new SettingsService(conf(dir));
    expect(second.get()).toMatchObject({ volume: 0.3, libraryFolders: ['/music'] });
  });

  it('migrates a version 1 file (percent volume, old server key)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settings-'));
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ volume: 40, serverUrl: 'https://coop.example' }),
    );
    const settings = new SettingsService(conf(dir)).get();
    expect(settings.volume).toBe(0.4);
    expect(settings.syncServerUrl).toBe('https://coop.example');
    const stored = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(stored.__version).toBe(SETTINGS_VERSION);
    expect(stored.serverUrl).toBeUndefined();
  });

  it('repairs a damaged value without losing the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settings-'));
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ __version: SETTINGS_VERSION, theme: 'purple', libraryFolders: ['/a', '/b'] }),
    );
    const settings = new SettingsService(conf(dir)).get();
    expect(settings.theme).toBe('system');
    expect(settings.libraryFolders).toEqual(['/a', '/b']);
  });

  it('tells listeners about changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settings-'));
    const service = new SettingsService(conf(dir));
    const seen: string[] = [];
    service.onChange((s) => seen.push(s.theme));
    service.update({ theme: 'dark' });
    expect(seen).toEqual(['dark']);
  });
});

describe('settings patches', () => {
  it('change only the fields they name', async () => {
    const { settingsPatchSchema } = await import('../../../src/shared/settings');
    expect(settingsPatchSchema.parse({ volume: 0.3 })).toEqual({ volume: 0.3 });
    const dir = mkdtempSync(join(tmpdir(), 'settings-'));
    const service = new SettingsService(conf(dir));
    service.update({ libraryFolders: ['/music'], theme: 'dark' });
    service.update(settingsPatchSchema.parse({ volume: 0.3 }));
    expect(service.get()).toMatchObject({ volume: 0.3, libraryFolders: ['/music'], theme: 'dark' });
  });
});
