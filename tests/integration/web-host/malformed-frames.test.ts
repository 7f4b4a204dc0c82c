import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../../src/web-host/protocol';

/**
 * The web host (`npm run web`, a real process) against a page that breaks the
 * WebSocket protocol. A raw TCP client does the handshake with this run's
 * token and the host's Origin, sends one malformed frame, and must get a close
 * frame with the right code (RFC 6455 §7.4.1) on that socket only; the host
 * process must stay up and answer a normal call on a fresh socket afterwards.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const TOKEN = 'frames-test-token-0123456789';

let host: ChildProcess;
let port = 0;
let stderr = '';
let dataDir = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'resonate-web-frames-'));
  host = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/web-host/main.ts',
      '--port',
      '0',
      '--data',
      dataDir,
      '--renderer',
      join(dataDir, 'no-renderer'),
      '--token',
      TOKEN,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  host.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  port = await new Promise<number>((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`web host did not start:\n${stderr}`)), 30_000);
    host.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Resonate web host: http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (match) {
        clearTimeout(timer);
        done(Number(match[1]));
      }
    });
    host.once('exit', (code) => fail(new Error(`web host exited with ${code}:\n${stderr}`)));
  });
}, 60_000);

afterAll(async () => {
  if (host && host.exitCode === null) {
    const exited = new Promise((r) => host.once('exit', r));
    host.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** A connection after a successful upgrade: bytes read so far after the 101 answer. */
interface Upgraded {
  socket: Socket;
  /** Resolves with every byte the host sent after the handshake, once it closes the TCP connection. */
  ended: Promise<Buffer>;
}

function upgrade(): Promise<Upgraded> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1');
    const key = randomBytes(16).toString('base64');
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    let finish: (b: Buffer) => void = () => {};
    const ended = new Promise<Buffer>((r) => (finish = r));
    // Before the upgrade an error fails the handshake; after it, a reset following the close frame is fine: we read what arrived.
    socket.on('error', (error) => {
      if (!upgraded) fail(error);
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (upgraded) return;
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) {
        fail(new Error(`handshake refused: ${head}`));
        socket.destroy();
        return;
      }
      upgraded = true;
      buffer = buffer.subarray(end + 4);
      done({ socket, ended });
    });
    socket.on('close', () => finish(buffer));
    socket.write(
      `GET /rpc?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
        `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

/** A client frame: FIN, the given opcode and RSV bits, masked unless told otherwise, length encoded as RFC 6455 says. */
function frame(
  opcode: number,
  payload: Buffer,
  options: { rsv1?: boolean; masked?: boolean; announcedLength?: bigint } = {},
): Buffer {
  const masked = options.masked ?? true;
  const length = options.announcedLength ?? BigInt(payload.length);
  const first = 0x80 | (options.rsv1 ? 0x40 : 0) | opcode;
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, (masked ? 0x80 : 0) | Number(length)]);
  else if (length < 65536n) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([header, mask, body]);
}

/** The first server frame in `bytes`: opcode and payload (server frames are unmasked). */
function firstServerFrame(bytes: Buffer): { opcode: number; payload: Buffer } | null {
  if (bytes.length < 2) return null;
  const opcode = bytes[0]! & 0x0f;
  let length = bytes[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    length = bytes.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    length = Number(bytes.readBigUInt64BE(2));
    offset = 10;
  }
  return { opcode, payload: bytes.subarray(offset, offset + length) };
}

/** Sends `bytes` after the handshake; answers the close code the host sent before closing the connection. */
async function closeCodeFor(bytes: Buffer): Promise<number | null> {
  const { socket, ended } = await upgrade();
  socket.write(bytes);
  const received = await ended;
  const close = firstServerFrame(received);
  if (!close || close.opcode !== 0x8 || close.payload.length < 2) return null;
  return close.payload.readUInt16BE(0);
}

/** A normal call over a fresh socket; answers its result envelope. */
async function rpc(call: string, input: unknown): Promise<unknown> {
  const { socket } = await upgrade();
  let buffer = Buffer.alloc(0);
  const answer = new Promise<unknown>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no answer to ${call}`)), 10_000);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const f = firstServerFrame(buffer);
      if (!f || f.opcode !== 0x1) return;
      const message = JSON.parse(f.payload.toString('utf8')) as { id?: number; result?: unknown };
      if (message.id !== 1) return;
      clearTimeout(timer);
      done(message.result);
    });
  });
  socket.write(frame(0x1, Buffer.from(JSON.stringify({ id: 1, call, input }))));
  const result = await answer;
  socket.destroy();
  return result;
}

describe('web host and protocol-breaking WebSocket frames', () => {
  const cases: Array<{ name: string; bytes: () => Buffer; code: number }> = [
    {
      name: 'a message over the size limit',
      bytes: () => frame(0x1, Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20)),
      code: 1009,
    },
    {
      name: 'a text frame that is not UTF-8',
      bytes: () => frame(0x1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
      code: 1007,
    },
    {
      name: 'RSV1 set without an extension',
      bytes: () => frame(0x1, Buffer.from('{}'), { rsv1: true }),
      code: 1002,
    },
    {
      name: 'an unmasked client frame',
      bytes: () => frame(0x1, Buffer.from('{}'), { masked: false }),
      code: 1002,
    },
    { name: 'a reserved opcode (0x3)', bytes: () => frame(0x3, Buffer.from('x')), code: 1002 },
    {
      name: 'a frame announcing 2^63 bytes',
      bytes: () => frame(0x2, Buffer.alloc(0), { announcedLength: 1n << 63n }),
      code: 1009,
    },
  ];

  // The host process is never restarted (its exit code stays null), so an answer comes from the same process.
  const answersCalls = async () => {
    expect(await rpc('app.info', {})).toMatchObject({ ok: true, value: { name: 'Resonate', host: 'web' } });
  };

  it('answers a normal call', async () => {
    await answersCalls();
  });

  for (const c of cases) {
    it(`closes only that socket with ${c.code} for ${c.name}; the host stays up and answers the next call`, async () => {
      // Another page's socket stays open through it.
      const bystander = await upgrade();
      expect(await closeCodeFor(c.bytes())).toBe(c.code);
      expect(host.exitCode, stderr).toBeNull();
      expect(bystander.socket.destroyed).toBe(false);
      bystander.socket.destroy();
      await answersCalls();
      // The services' database is up too.
      expect(await rpc('library.folders', {})).toEqual({ ok: true, value: [] });
    });
  }
});
