import { readFileSync, readdirSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { silentLogger } from '../../../src/main/services/core/logger';
import type { FetchLike } from '../../../src/main/services/sync/api-client';
import { startWebHost, type WebHost } from '../../../src/web-host/web-host';
import { freshStore, runCli, tempDir, type StoreTarget } from '../server/harness';
import { makeAudioFolder, ok, serverProcess } from './support';

/**
 * Stream-on-play through the real web host (HTTP, its token and Host checks)
 * against a real server process: a co-op track that is not downloaded
 * answers Range requests at once, proxied with the account's token, while
 * its download runs in the background; the download lands in the cache, and
 * with the server gone the track plays from the file.
 */
describe('streaming a co-op track that is not downloaded', () => {
  let store: StoreTarget;
  let server: Awaited<ReturnType<typeof serverProcess>>;
  let host: WebHost;
  let audioDir: string;
  let trackIds: string[];
  /** While set, downloads (the engine's own fetch) get their headers but no body until released. */
  let hold: { promise: Promise<boolean>; release(cut?: boolean): void } | null = null;

  const heldFetch: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    const gate = hold;
    if (!gate || !url.endsWith('/audio') || !response.body) return response;
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (await gate.promise) {
          // The connection is cut half way.
          await reader.cancel();
          controller.error(new TypeError('terminated'));
          return;
        }
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  const holdDownloads = () => {
    let release!: (cut?: boolean) => void;
    const promise = new Promise<boolean>((done) => (release = (cut = false) => done(cut)));
    hold = { promise, release };
    return (cut = false) => {
      hold = null;
      release(cut);
    };
  };

  const call = async <T = any>(name: string, input: unknown = {}): Promise<T> =>
    ok<T>(await host.services.dispatch(name, input));
  const media = (mediaUrl: string, range?: string) =>
    fetch(`${host.url}${mediaUrl}`, { headers: range ? { range } : {} });
  const sourceFile = (i: number) => readFileSync(join(audioDir, readdirSync(audioDir).sort()[i]!));

  beforeAll(async () => {
    store = await freshStore('sqlite');
    server = await serverProcess(store);
    audioDir = makeAudioFolder([30, 20]);
    const imported = await runCli(store, [
      'import-release',
      audioDir,
      '--artist',
      'Stream Artist',
      '--title',
      'Stream Tests',
    ]);
    trackIds = imported.tracks.map((t: { id: string }) => t.id);
    host = await startWebHost({
      dataDir: tempDir('stream-host-'),
      rendererDir: join(tempDir('no-renderer-'), 'none'),
      logger: silentLogger,
      appVersion: '0.0.0-test',
      sync: { autoStart: false, fetch: heldFetch },
    });
    await call('settings.update', { syncServerUrl: server.url });
    await call('account.signUp', {
      email: `listener-${uuidv7()}@example.org`,
      password: 'listener password',
    });
    expect((await call('sync.now')).state).toBe('online');
    expect((await call('coop.tracks', {})).total).toBe(2);
  });
  afterAll(async () => {
    hold?.release();
    await host?.close();
    await server?.stop();
    await store?.cleanup();
  });

  it('answers Range requests through the web host at once, downloads in the background, then serves the file', async () => {
    const [trackId] = trackIds as [string];
    const release = holdDownloads();
    const opened = await call('player.open', { source: 'coop', trackId });
    // The renderer gets a session-scoped media path with the host's token only; the server's token stays in the main process.
    expect(opened.mediaUrl).toBe(
      `/media/track/coop/${trackId}/${opened.sessionId}?token=${encodeURIComponent(host.token)}`,
    );
    expect(host.services.sync.downloads.downloading(trackId)).toBe(true);
    expect(host.services.sync.downloads.fileOf(trackId)).toBeNull();
    expect(await host.services.media.resolveSource(opened.mediaPath)).toMatchObject({ kind: 'remote' });

    const original = sourceFile(0);
    const part = await media(opened.mediaUrl, 'bytes=100-1099');
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${original.length}`);
    expect(part.headers.get('content-length')).toBe('1000');
    expect(part.headers.get('content-type')).toMatch(/^audio\//);
    expect(part.headers.get('authorization')).toBeNull();
    expect(Buffer.from(await part.arrayBuffer()).equals(original.subarray(100, 1100))).toBe(true);
    const tail = await media(opened.mediaUrl, `bytes=${original.length - 10}-`);
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(original.subarray(original.length - 10))).toBe(true);
    const whole = await media(opened.mediaUrl);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(original)).toBe(true);
    // Still streaming: nothing of the download has arrived.
    expect(host.services.sync.downloads.fileOf(trackId)).toBeNull();

    // The guard's rules hold for the stream: the renderer reports, the session is live.
    const report = await call('player.report', {
      sessionId: opened.sessionId,
      trackId,
      seq: 1,
      event: 'playing',
      positionMs: 0,
    });
    expect(report.stop).toBe(false);

    release();
    await host.services.sync.downloads.idle();
    const file = host.services.sync.downloads.fileOf(trackId);
    expect(file).not.toBeNull();
    expect(readFileSync(file!).equals(original)).toBe(true);
    expect((await call('downloads.status')).entries.map((e: { trackId: string }) => e.trackId)).toEqual([
      trackId,
    ]);
    // The same session now reads the file.
    expect(await host.services.media.resolveSource(opened.mediaPath)).toMatchObject({ file });
    const fromFile = await media(opened.mediaUrl, 'bytes=100-1099');
    expect(fromFile.status).toBe(206);
    expect(Buffer.from(await fromFile.arrayBuffer()).equals(original.subarray(100, 1100))).toBe(true);

    await call('player.close', { sessionId: opened.sessionId });
    expect((await media(opened.mediaUrl, 'bytes=0-99')).status).toBe(404);
  });

  it('an unreachable server answers 502, a closed session 404; offline, the downloaded track plays from its file and one whose download was cut is unavailable', async () => {
    const trackId = trackIds[1]!;
    const release = holdDownloads();
    const streamed = await call('player.open', { source: 'coop', trackId });
    expect(await host.services.media.resolveSource(streamed.mediaPath)).toMatchObject({ kind: 'remote' });
    expect((await media(streamed.mediaUrl, 'bytes=0-99')).status).toBe(206);

    await server.stop();
    const down = await media(streamed.mediaUrl, 'bytes=100-199');
    expect(down.status).toBe(502);
    expect((await down.arrayBuffer()).byteLength).toBe(0);
    release(true);
    await host.services.sync.downloads.idle();
    expect(host.services.sync.downloads.fileOf(trackId)).toBeNull();
    expect(readdirSync(join(host.services.sync.downloads.dir))).toEqual([`${trackIds[0]}.mp3`]);
    await call('player.close', { sessionId: streamed.sessionId });
    expect((await media(streamed.mediaUrl, 'bytes=0-99')).status).toBe(404);

    // Offline: the downloaded track opens as its file and answers Range requests.
    const opened = await call('player.open', { source: 'coop', trackId: trackIds[0] });
    expect(await host.services.media.resolveSource(opened.mediaPath)).toMatchObject({
      file: host.services.sync.downloads.fileOf(trackIds[0]!),
    });
    const part = await media(opened.mediaUrl, 'bytes=10-19');
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(sourceFile(0).subarray(10, 20))).toBe(true);
    await call('player.close', { sessionId: opened.sessionId });

    const offline = await host.services.dispatch('player.open', { source: 'coop', trackId });
    expect(offline).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(!offline.ok && offline.error.message).toMatch(/not downloaded/);
  });

  it('the web host forwards Range with the source headers, and aborts upstream when the browser leaves', async () => {
    let seen: IncomingHttpHeaders | null = null;
    let markClosed!: () => void;
    const upstreamClosed = new Promise<void>((done) => (markClosed = done));
    const upstream = createServer((req, res) => {
      seen = req.headers;
      res.writeHead(206, {
        'content-type': 'audio/ogg',
        'content-range': 'bytes 5-1000004/2000000',
        'content-length': 1_000_000,
      });
      res.write(Buffer.alloc(1000, 7));
      res.on('close', () => markClosed());
    });
    await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/a`;
      host.services.media.register('probe', () => ({
        kind: 'remote',
        url,
        headers: { authorization: 'Bearer kept-in-main' },
        contentType: 'audio/mpeg',
      }));
      const { port } = new URL(host.url);
      const firstChunk = await new Promise<{ status: number; headers: IncomingHttpHeaders; bytes: number }>(
        (done, fail) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              path: `/media/probe/x?token=${encodeURIComponent(host.token)}`,
              headers: { range: 'bytes=5-' },
            },
            (res) => {
              res.once('data', (chunk: Buffer) => {
                done({ status: res.statusCode!, headers: res.headers, bytes: chunk.length });
                req.destroy(); // the browser seeks away
              });
            },
          );
          req.on('error', fail);
          req.end();
        },
      );
      expect(firstChunk.status).toBe(206);
      expect(firstChunk.headers).toMatchObject({
        'content-range': 'bytes 5-1000004/2000000',
        'content-length': '1000000',
        'content-type': 'audio/ogg',
      });
      expect(firstChunk.headers.authorization).toBeUndefined();
      expect(firstChunk.bytes).toBeGreaterThan(0);
      expect(seen).toMatchObject({ range: 'bytes=5-', authorization: 'Bearer kept-in-main' });
      await upstreamClosed;
    } finally {
      upstream.closeAllConnections();
      await new Promise<void>((done) => upstream.close(() => done()));
    }
  });
});
