import { randomUUID } from 'node:crypto';
import { buildServer, type BuiltServer } from '../../../src/server/app';
import { inTransaction } from '../../../src/server/db/transaction';
import { appendLogLeaves, type LogEvent } from '../../../src/server/tlog/append';
import { TEST_CONFIG, type StoreTarget } from '../server/harness';

/** An in-process server on a store target (SQLite folder or PostgreSQL database), not listening. */
export async function logServer(store: StoreTarget, config: object = {}): Promise<BuiltServer> {
  return buildServer({
    dataDir: store.dataDir,
    databaseUrl: store.databaseUrl,
    logLevel: 'silent',
    config: { ...TEST_CONFIG, ...config },
  });
}

export function playEvent(n: number, overrides: Partial<Extract<LogEvent, { kind: 'play' }>> = {}): LogEvent {
  return {
    kind: 'play',
    userId: `user-${n % 3}`,
    receiptId: randomUUID(),
    contentHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
    seq: n + 1,
    time: 1_764_000_000_000 + n,
    trackId: `track-${n % 5}`,
    artistId: 'artist-1',
    outcome: 'paid',
    freeReason: null,
    playIndex: 1,
    price: 230,
    ...overrides,
  };
}

/** Appends the events in one transaction, as a settlement would. */
export function append(server: BuiltServer, events: LogEvent[]): Promise<number | null> {
  return inTransaction(server.ctx.store, (tx) => appendLogLeaves(server.ctx, tx, events));
}

export async function get(
  server: BuiltServer,
  url: string,
): Promise<{ status: number; text: string; json: any; headers: Record<string, unknown>; raw: Buffer }> {
  const r = await server.app.inject({ method: 'GET', url });
  let json: unknown;
  try {
    json = JSON.parse(r.body);
  } catch {
    json = null;
  }
  return { status: r.statusCode, text: r.body, json, headers: r.headers, raw: r.rawPayload };
}
