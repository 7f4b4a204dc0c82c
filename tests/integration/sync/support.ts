import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  createAppServices,
  type AppServices,
  type HostAdapter,
} from '../../../src/main/services/app-services';
import { FakeClock } from '../../../src/main/services/core/clock';
import { silentLogger } from '../../../src/main/services/core/logger';
import { realTimers, type Timers, type FetchLike } from '../../../src/main/services/sync/api-client';
import type { CallResult } from '../../../src/shared/contract';
import { tempDir } from '../server/harness';

/** Timers that fire only when a test says so: the engine's schedule is then deterministic. */
export class ManualTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Fires every pending timer once (e.g. request timeouts a test wants to happen). */
  fireAll(): void {
    const now = [...this.pending.entries()];
    this.pending.clear();
    for (const [, t] of now) t.fn();
  }
}

export function ok<T = any>(result: CallResult<unknown>): T {
  if (!result.ok) throw new Error(`call failed: ${JSON.stringify(result.error)}`);
  return result.value as T;
}

/** A few seconds of sine wave per track, encoded by ffmpeg (real audio, read by the server's import). */
export function makeAudioFolder(seconds: number[]): string {
  const dir = tempDir('sync-audio-');
  seconds.forEach((s, i) => {
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${220 + i * 110}:duration=${s}`,
      '-ac',
      '1',
      '-b:a',
      '16k',
      '-metadata',
      `title=Song ${i + 1}`,
      '-metadata',
      'album=Sync Tests',
      join(dir, `${String(i + 1).padStart(2, '0')}.mp3`),
    ]);
  });
  return dir;
}

export interface TestApp {
  app: AppServices;
  clock: FakeClock;
  timers: ManualTimers;
  dataDir: string;
  call<T = any>(name: string, input?: unknown): Promise<T>;
}

/** The app services on a temp data folder, a fake clock at real wall time (the server checks receipt dates), manual timers. */
export function makeApp(
  serverUrl: string,
  options: {
    dataDir?: string;
    fetch?: FetchLike;
    requestTimeoutMs?: number;
    clock?: FakeClock;
    realTimers?: boolean;
    artist?: { chunkBytes?: number; retryDelayMs?: number };
    /** The host's own purchase confirmation (Electron's native dialog); none: the web host's. */
    confirmPurchase?: HostAdapter['confirmPurchase'];
  } = {},
): TestApp {
  const dataDir = options.dataDir ?? tempDir('sync-app-');
  mkdirSync(dataDir, { recursive: true });
  const clock = options.clock ?? new FakeClock(1_000, Date.now());
  const timers = new ManualTimers();
  const app = createAppServices({
    dataDir,
    clock,
    logger: silentLogger,
    settingsBackend: { store: { syncServerUrl: serverUrl } },
    host: {
      kind: 'web',
      pickFolder: async () => null,
      mediaUrl: (p) => `/media/${p}`,
      confirmPurchase: options.confirmPurchase,
    },
    appVersion: '0.0.0-test',
    artist: options.artist,
    // Manual timers never fire a request timeout; tests of timeouts use real ones (the scheduler is off either way).
    sync: {
      autoStart: false,
      timers: options.realTimers ? realTimers : timers,
      fetch: options.fetch,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      random: () => 0.5,
    },
  });
  return {
    app,
    clock,
    timers,
    dataDir,
    call: async (name, input = {}) => ok(await app.dispatch(name, input)),
  };
}

/** Buys the rest of a track or a release as the UI does: a quote from the main process, then the purchase presenting its token. */
export async function buy<T = any>(t: TestApp, kind: 'track' | 'release', id: string): Promise<T> {
  const quote = await t.call(
    `wallet.quote`,
    kind === 'track' ? { kind, trackId: id } : { kind, releaseId: id },
  );
  return kind === 'track'
    ? t.call<T>('wallet.buyRest', { trackId: id, quoteToken: quote.quoteToken })
    : t.call<T>('wallet.buyRelease', { releaseId: id, quoteToken: quote.quoteToken });
}

/**
 * Plays a co-op track honestly through the guard for `ms` of fake time; answers the counted event's outcome.
 * `ended`: the audio element then reports `ended` at that position (a short track heard to its end).
 */
export async function listen(
  t: TestApp,
  trackId: string,
  ms = 46_000,
  options: { ended?: boolean } = {},
): Promise<{ sessionId: string; counted: boolean; stop: boolean }> {
  const opened = await t.call('player.open', { source: 'coop', trackId });
  const sessionId = opened.sessionId as string;
  let seq = 0;
  let last = await t.call('player.report', {
    sessionId,
    trackId,
    seq: ++seq,
    event: 'playing',
    positionMs: 0,
  });
  let counted = last.counted as boolean;
  let at = 0;
  for (let pos = 250; pos <= ms && !last.stop; pos += 250) {
    t.clock.advance(250);
    at = pos;
    last = await t.call('player.report', {
      sessionId,
      trackId,
      seq: ++seq,
      event: 'timeupdate',
      positionMs: pos,
    });
    counted ||= last.counted;
  }
  if (options.ended && !last.stop) {
    // The element ends exactly at `ms`: the clock runs the last bit too.
    t.clock.advance(ms - at);
    last = await t.call('player.report', {
      sessionId,
      trackId,
      seq: seq + 1,
      event: 'ended',
      positionMs: ms,
    });
    counted ||= last.counted;
  }
  await t.call('player.close', { sessionId });
  return { sessionId, counted, stop: last.stop };
}

export function expectNothingPending(status: { pendingReceipts: number; pendingThousandths: number }): void {
  expect(status.pendingReceipts).toBe(0);
  expect(status.pendingThousandths).toBe(0);
}

import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { TEST_CONFIG, type StoreTarget } from '../server/harness';
import { startServerProcess, type ServerProcess } from '../../support/server-process';

/** A real server process on `port` (0: any); restartable on the same port so the app's URL stays. */
export function serverProcess(store: StoreTarget, port = 0): Promise<ServerProcess> {
  return startServerProcess({ storeArgs: ['--data', store.dataDir], config: TEST_CONFIG, port });
}

export type FaultMode = 'pass' | 'error500' | 'hang' | 'close_mid_response' | 'garbage' | 'drop_answer';

/**
 * A proxy in front of the real server that misbehaves on request: 500s,
 * hanging (the client's timeout fires), closing the connection half way
 * through the answer, malformed JSON, or passing the request on and then
 * dropping the answer (the server settled, the app never heard).
 */
export async function faultProxy(
  target: string,
): Promise<{ url: string; mode: FaultMode; forwarded: string[]; close(): Promise<void> }> {
  const state = { mode: 'pass' as FaultMode, forwarded: [] as string[] };
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const mode = state.mode;
    if (mode === 'error500') {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end('{"error":{"code":"internal","message":"boom"}}');
      return;
    }
    if (mode === 'hang') {
      hanging.add(res);
      return;
    }
    if (mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"results": [ {"index": 0, "stat');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.forwarded.push(`${req.method} ${req.url}`);
      const upstream = httpRequest(
        new URL(req.url!, target),
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            const all = Buffer.concat(body);
            if (mode === 'drop_answer') {
              req.socket.destroy();
              return;
            }
            if (mode === 'close_mid_response') {
              res.writeHead(answer.statusCode ?? 200, {
                ...answer.headers,
                'content-length': String(all.length),
              });
              res.write(all.subarray(0, Math.floor(all.length / 2)));
              setTimeout(() => req.socket.destroy(), 10);
              return;
            }
            res.writeHead(answer.statusCode ?? 200, answer.headers).end(all);
          });
        },
      );
      upstream.on('error', () => req.socket.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address() as { port: number };
  return Object.assign(state, {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((done) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => done());
      }),
  });
}
