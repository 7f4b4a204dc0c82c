import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/main/services/core/clock';
import { createDispatcher } from '../../../src/main/services/core/dispatcher';
import { EventHub } from '../../../src/main/services/core/events';
import { silentLogger } from '../../../src/main/services/core/logger';
import { migrate, openDatabase, type Db } from '../../../src/main/services/db/database';
import { allMigrations } from '../../../src/main/services/db/migrations';
import { createMediaRouter } from '../../../src/main/services/media/media-router';
import { createLibraryDomain, type LibraryDomainDeps } from '../../../src/main/services/library';
import { SettingsService } from '../../../src/main/services/settings/settings-service';
import type { CallHandlers } from '../../../src/main/services/core/dispatcher';

/** A library domain on a temp data folder, as the app wires it, plus a dispatcher for its calls. */
export function openLibrary(
  options: { dataDir?: string; store?: { store: Record<string, unknown> } } & Partial<LibraryDomainDeps> = {},
) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'resonate-lib-data-'));
  const db: Db = openDatabase(join(dataDir, 'library.sqlite'));
  migrate(db, allMigrations);
  const store = options.store ?? { store: {} };
  const settings = new SettingsService(store);
  const events = new EventHub();
  const seen: { name: string; payload: unknown }[] = [];
  events.subscribe((name, payload) => seen.push({ name, payload }));
  const media = createMediaRouter();
  const domain = createLibraryDomain({
    db,
    settings,
    events,
    clock: systemClock,
    logger: silentLogger,
    dataDir,
    media,
    watch: false,
    workers: 2,
    ...options,
  });
  const dispatch = createDispatcher(domain.handlers as unknown as CallHandlers, silentLogger);
  return {
    dataDir,
    db,
    store,
    settings,
    events,
    seen,
    media,
    domain,
    service: domain.service,
    async call<T = unknown>(name: string, input: unknown = {}): Promise<T> {
      const result = await dispatch(name, input);
      if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
      return result.value as T;
    },
    dispatch,
    async close(removeData = true) {
      await domain.close();
      db.close();
      if (removeData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type OpenLibrary = ReturnType<typeof openLibrary>;

export function tempDir(prefix = 'resonate-lib-music-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
