import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../src/main/services/core/clock';
import { createDispatcher } from '../../../src/main/services/core/dispatcher';
import { EventHub } from '../../../src/main/services/core/events';
import { silentLogger } from '../../../src/main/services/core/logger';
import { migrate, openDatabase, type Db } from '../../../src/main/services/db/database';
import { stream2ownMigrations } from '../../../src/main/services/wallet/migrations';
import {
  createStream2OwnDomain,
  type LocalTrackSource,
  type Stream2OwnDeps,
} from '../../../src/main/services/stream2own/domain';
import type { CoopTrackRecord } from '../../../src/main/services/wallet/catalog-store';
import type { CallHandlers } from '../../../src/main/services/core/dispatcher';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 's2o-'));
}

export function aTrack(
  id: string,
  overrides: Partial<CoopTrackRecord> = {},
  dir = tempDir(),
): CoopTrackRecord {
  const file = join(dir, `${id}.mp3`);
  writeFileSync(file, 'not really audio');
  return {
    id,
    title: `Title ${id}`,
    artist: `Artist ${id}`,
    album: null,
    durationMs: 200_000,
    status: 'paid',
    rightsholder: `rh-${id}`,
    isOwn: false,
    localFile: file,
    ...overrides,
  };
}

/** The domain on a real SQLite file in a temp folder, a fake clock, and a record of every event. */
export function stream2ownHarness(
  options: { dataDir?: string; db?: Db; local?: LocalTrackSource | null } & Partial<Stream2OwnDeps> = {},
) {
  const dataDir = options.dataDir ?? tempDir();
  const db = options.db ?? openDatabase(join(dataDir, 'library.sqlite'));
  migrate(db, stream2ownMigrations);
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock();
  const events = new EventHub();
  const seen: { name: string; payload: unknown }[] = [];
  events.subscribe((name, payload) => seen.push({ name, payload }));
  const domain = createStream2OwnDomain({
    logger: silentLogger,
    mediaUrl: (p) => `media://${p}`,
    ...options,
    db,
    dataDir,
    clock,
    events,
    local: options.local ?? null,
  });
  // Only the stream-to-own calls are wired; the others are not under test here.
  const dispatch = createDispatcher(domain.handlers as unknown as CallHandlers, silentLogger);

  /** Opens a co-op track and plays it honestly for `ms`; returns the session id and the last report's answer. */
  function listen(trackId: string, ms = 45_000, source: 'coop' | 'local' = 'coop') {
    const opened = domain.handlers['player.open']({ source, trackId });
    const { sessionId } = opened as { sessionId: string };
    let seq = 0;
    let last = domain.handlers['player.report']({
      sessionId,
      trackId,
      seq: ++seq,
      event: 'playing',
      positionMs: 0,
    }) as {
      accepted: boolean;
      counted: boolean;
      stop: boolean;
      heardMs: number;
    };
    for (let t = 250; t <= ms && !last.stop; t += 250) {
      clock.advance(250);
      last = domain.handlers['player.report']({
        sessionId,
        trackId,
        seq: ++seq,
        event: 'timeupdate',
        positionMs: t,
      }) as typeof last;
    }
    return { sessionId, opened, last };
  }

  return { dataDir, db, clock, events: seen, domain, dispatch, listen };
}
