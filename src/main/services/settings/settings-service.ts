import { SETTINGS_VERSION, settingsSchema, upgradeSettings, type Settings } from '../../../shared/settings';

/**
 * What the settings service needs from a store: electron-store in Electron,
 * and `conf` (the library electron-store is built on) in the web host and
 * tests. Both write atomically, so a crash never leaves half a file.
 */
export interface SettingsBackend {
  store: Record<string, unknown>;
}

const VERSION_KEY = '__version';

export class SettingsService {
  private current: Settings;
  private readonly listeners = new Set<(settings: Settings) => void>();

  constructor(private readonly backend: SettingsBackend) {
    const raw = { ...backend.store };
    const storedVersion = typeof raw[VERSION_KEY] === 'number' ? (raw[VERSION_KEY] as number) : 1;
    delete raw[VERSION_KEY];
    this.current = upgradeSettings(raw, storedVersion);
    if (storedVersion !== SETTINGS_VERSION || JSON.stringify(raw) !== JSON.stringify(this.current)) {
      this.persist();
    }
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  /** Validated by the contract before it gets here; validated again as a whole. */
  update(patch: Partial<Settings>): Settings {
    this.current = settingsSchema.parse({ ...this.current, ...patch });
    this.persist();
    const snapshot = this.get();
    for (const listener of this.listeners) listener(snapshot);
    return snapshot;
  }

  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private persist(): void {
    this.backend.store = { [VERSION_KEY]: SETTINGS_VERSION, ...this.current };
  }
}
