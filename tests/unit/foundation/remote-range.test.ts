import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { forwardableRange, remoteRangeResponse, type RemoteSource } from '../../../src/node/remote-range';

const AUDIO = Buffer.from(Array.from({ length: 100 }, (_, i) => i));

/** A small upstream on 127.0.0.1 that answers per path, and records what it was asked. */
let server: Server;
let base = '';
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
let slowClosed: Promise<void> = Promise.resolve();
let markSlowClosed = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ path, headers: req.headers });
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    switch (path) {
      case '/audio': {
        if (!range) {
          res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': AUDIO.length });
          return res.end(AUDIO);
        }
        const start = Number(range[1]);
        const end = range[2] ? Math.min(Number(range[2]), AUDIO.length - 1) : AUDIO.length - 1;
        if (start >= AUDIO.length) {
          res.writeHead(416, { 'content-range': `bytes */${AUDIO.length}` });
          return res.end();
        }
        res.writeHead(206, {
          'content-type': 'audio/mpeg',
          'content-range': `bytes ${start}-${end}/${AUDIO.length}`,
          'content-length': end - start + 1,
        });
        return res.end(AUDIO.subarray(start, end + 1));
      }
      case '/error':
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end('{"error":{"code":"internal","message":"secret detail"}}');
      case '/forbidden':
        res.writeHead(403, { 'content-type': 'application/json' });
        return res.end('{"error":{"code":"unpublished"}}');
      case '/bad-content-range':
        res.writeHead(206, {
          'content-type': 'audio/mpeg',
          'content-range': 'bytes 10-nine/100',
          'content-length': 10,
        });
        return res.end(AUDIO.subarray(10, 20));
      case '/backwards-range':
        res.writeHead(206, {
          'content-type': 'audio/mpeg',
          'content-range': 'bytes 19-10/100',
          'content-length': 10,
        });
        return res.end(AUDIO.subarray(10, 20));
      case '/other-range':
        res.writeHead(206, {
          'content-type': 'audio/mpeg',
          'content-range': 'bytes 0-9/100',
          'content-length': 10,
        });
        return res.end(AUDIO.subarray(0, 10));
      case '/range-beyond-total':
        res.writeHead(206, {
          'content-type': 'audio/mpeg',
          'content-range': 'bytes 10-19/15',
          'content-length': 10,
        });
        return res.end(AUDIO.subarray(10, 20));
      case '/length-mismatch':
        res.writeHead(206, {
          'content-type': 'audio/mpeg',
          'content-range': 'bytes 10-19/100',
          'content-length': 5,
        });
        return res.end(AUDIO.subarray(10, 15));
      case '/bad-type':
        res.writeHead(200, {
          'content-type': 'audio/mpeg, text/html <script>',
          'content-length': AUDIO.length,
        });
        return res.end(AUDIO);
      case '/gzip':
        res.writeHead(200, {
          'content-type': 'audio/mpeg',
          'content-encoding': 'gzip',
          'content-length': AUDIO.length,
        });
        return res.end(AUDIO);
      case '/redirect':
        res.writeHead(302, { location: `${base}/audio` });
        return res.end();
      case '/slow':
        // Headers and a first chunk, then nothing until the client leaves.
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': 1_000_000 });
        res.write(AUDIO);
        res.on('close', () => markSlowClosed());
        return;
      case '/hang':
        res.on('close', () => markSlowClosed());
        return;
      default:
        res.writeHead(404);
        return res.end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

const source = (path: string): RemoteSource => ({
  url: `${base}${path}`,
  headers: { authorization: 'Bearer upstream-only' },
  contentType: 'application/octet-stream',
});

async function bytes(body: ReadableStream<Uint8Array> | null): Promise<Buffer> {
  return body ? Buffer.from(await new Response(body).arrayBuffer()) : Buffer.alloc(0);
}

function expectSlowClose(): Promise<void> {
  slowClosed = new Promise<void>((done) => (markSlowClosed = done));
  return slowClosed;
}

describe('remote media responses with Range', () => {
  it('forwards the Range header with the auth header added, and answers 206 with checked headers and the right bytes', async () => {
    seen.length = 0;
    const answer = await remoteRangeResponse(source('/audio'), 'bytes=10-19');
    expect(seen[0]!.headers).toMatchObject({ range: 'bytes=10-19', authorization: 'Bearer upstream-only' });
    expect(answer.status).toBe(206);
    expect(answer.headers).toMatchObject({
      'Content-Type': 'audio/mpeg',
      'Content-Range': 'bytes 10-19/100',
      'Content-Length': '10',
      'Accept-Ranges': 'bytes',
    });
    expect([...(await bytes(answer.body))]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);

    const tail = await remoteRangeResponse(source('/audio'), 'bytes=95-');
    expect(tail.headers['Content-Range']).toBe('bytes 95-99/100');
    expect([...(await bytes(tail.body))]).toEqual([95, 96, 97, 98, 99]);
  });

  it('answers 200 with the whole file without a Range, and does not forward a Range it would not use', async () => {
    seen.length = 0;
    const whole = await remoteRangeResponse(source('/audio'), undefined);
    expect(whole.status).toBe(200);
    expect(whole.headers['Content-Length']).toBe('100');
    expect((await bytes(whole.body)).equals(AUDIO)).toBe(true);
    const multi = await remoteRangeResponse(source('/audio'), 'bytes=0-1,5-6');
    expect(multi.status).toBe(200);
    await bytes(multi.body);
    expect(seen.map((s) => s.headers.range)).toEqual([undefined, undefined]);
    expect(forwardableRange('bytes=5-2')).toBeNull();
    expect(forwardableRange('bytes=-')).toBeNull();
    expect(forwardableRange('items=1-2')).toBeNull();
    expect(forwardableRange('bytes=-20')).toEqual({ header: 'bytes=-20', start: null });
  });

  it('passes an unsatisfiable range on as 416', async () => {
    const answer = await remoteRangeResponse(source('/audio'), 'bytes=500-');
    expect(answer).toMatchObject({ status: 416, body: null });
    expect(answer.headers['Content-Range']).toBe('bytes */100');
  });

  it('answers 502 with no body for upstream errors, redirects and a server that is not there', async () => {
    for (const path of ['/error', '/forbidden', '/redirect', '/missing']) {
      const answer = await remoteRangeResponse(source(path), 'bytes=0-');
      expect(answer, path).toMatchObject({ status: 502, body: null });
      expect(JSON.stringify(answer.headers)).not.toContain('secret');
    }
    const refused = await remoteRangeResponse({ ...source('/audio'), url: 'http://127.0.0.1:1/audio' }, null);
    expect(refused).toMatchObject({ status: 502, body: null });
  });

  it('refuses malformed or inconsistent upstream headers', async () => {
    for (const path of [
      '/bad-content-range',
      '/backwards-range',
      '/other-range',
      '/range-beyond-total',
      '/length-mismatch',
      '/gzip',
    ]) {
      const answer = await remoteRangeResponse(source(path), 'bytes=10-19');
      expect(answer, path).toMatchObject({ status: 502, body: null });
    }
    // A Content-Type that is not a plain media type is replaced by the source's.
    const typed = await remoteRangeResponse(source('/bad-type'), null);
    expect(typed.status).toBe(200);
    expect(typed.headers['Content-Type']).toBe('application/octet-stream');
    await bytes(typed.body);
  });

  it('aborts the upstream request when the client leaves, mid-body or before the headers', async () => {
    let closed = expectSlowClose();
    const client = new AbortController();
    const answer = await remoteRangeResponse(source('/slow'), null, { signal: client.signal });
    expect(answer.status).toBe(200);
    const reader = answer.body!.getReader();
    expect((await reader.read()).value?.byteLength).toBeGreaterThan(0);
    client.abort();
    await closed;

    // Cancelling the body (Electron's Response dropped) closes it too.
    closed = expectSlowClose();
    const dropped = await remoteRangeResponse(source('/slow'), null);
    await dropped.body!.cancel();
    await closed;

    closed = expectSlowClose();
    const early = new AbortController();
    seen.length = 0;
    const pending = remoteRangeResponse(source('/hang'), null, { signal: early.signal });
    // The client leaves once upstream has the request (not after a fixed time, which a busy machine can outlast).
    await vi.waitFor(() => expect(seen.map((s) => s.path)).toContain('/hang'), {
      timeout: 10_000,
      interval: 5,
    });
    early.abort();
    expect(await pending).toMatchObject({ status: 502, body: null });
    await closed;
  });

  it('gives up on an upstream that sends no headers in time', async () => {
    const closed = expectSlowClose();
    const answer = await remoteRangeResponse(source('/hang'), null, { timeoutMs: 100 });
    expect(answer).toMatchObject({ status: 502, body: null });
    await closed;
  });
});
