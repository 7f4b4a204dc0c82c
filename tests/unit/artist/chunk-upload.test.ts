import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CallError } from '../../../src/shared/contract/define';
import { sendChunks, type ChunkState } from '../../../src/main/services/artist/chunk-upload';
import type { Upload } from '../../../src/main/services/artist/publish-parts';
import type { Request } from '../../../src/main/services/artist/server-answer';
import { SyncApiError } from '../../../src/main/services/sync/api-client';

/**
 * One file's upload in resumable chunks (the publisher's last stage), against
 * a fake upload endpoint that keeps the bytes it received: whatever fails on
 * the way (a dropped connection, a lost answer, a chunk too big), the server
 * ends with the file's bytes, each received once.
 */

const folder = mkdtempSync(join(tmpdir(), 'chunk-upload-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const KiB = 1024;

function fileOf(size: number): { path: string; bytes: Buffer } {
  const bytes = randomBytes(size);
  const path = join(folder, `${size}-${Math.random().toString(36).slice(2)}.bin`);
  writeFileSync(path, bytes);
  return { path, bytes };
}

function uploadOf(size: number): Upload {
  return {
    id: 'u1',
    releaseId: 'r1',
    fileName: '01.mp3',
    title: null,
    trackNumber: 1,
    status: 'paid',
    size,
    offset: 0,
    state: 'receiving',
    rejectReason: null,
    durationMs: null,
    mime: null,
    trackId: null,
  };
}

/** What a PATCH meets: 'drop' never arrives, 'lose' arrives but its answer is lost, a number is the status answered. */
type Fault = 'drop' | 'lose' | number;

/** An upload endpoint of `size` bytes; `faults[i]` is what the i-th PATCH meets (else it is received). */
function fakeUploads(size: number, opts: { faults?: (Fault | undefined)[]; maxChunkBytes?: number } = {}) {
  const received: Buffer[] = [];
  const server = { patches: 0, bytesReceived: 0, closed: false };
  const have = () => Buffer.concat(received).length;
  const view = (): Upload => ({
    ...uploadOf(size),
    offset: have(),
    state: server.closed ? 'accepted' : 'receiving',
  });
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    status,
    headers: new Headers(headers),
    text: JSON.stringify(body),
  });
  const refusal = (status: number, code: string, headers: Record<string, string> = {}) =>
    json(status, { error: { code, message: code } }, headers);

  const patch = (init: { bytes?: Uint8Array; headers?: Record<string, string> } = {}) => {
    const fault = opts.faults?.[server.patches];
    server.patches++;
    if (fault === 'drop') throw new SyncApiError('network', 'connection reset');
    if (typeof fault === 'number') return refusal(fault, fault >= 500 ? 'internal' : 'forbidden');
    const bytes = Buffer.from(init.bytes ?? new Uint8Array());
    if (Number(init.headers?.['upload-offset']) !== have())
      return refusal(409, 'offset_mismatch', { 'upload-offset': String(have()) });
    if (bytes.length > (opts.maxChunkBytes ?? Infinity)) return refusal(413, 'body_too_large');
    received.push(bytes);
    server.bytesReceived += bytes.length;
    if (have() === size) server.closed = true;
    if (fault === 'lose') throw new SyncApiError('timeout', 'no answer');
    return json(200, view());
  };

  const request: Request = async (method, _path, init) => {
    if (method === 'PATCH') return patch(init);
    if (method === 'HEAD')
      return {
        status: 200,
        headers: new Headers({ 'upload-offset': String(have()), 'upload-state': view().state }),
        text: '',
      };
    if (method === 'GET') return json(200, view());
    return refusal(405, 'method_not_allowed');
  };
  return { request, server, received: () => Buffer.concat(received) };
}

function progressLog() {
  const states: ChunkState[] = [];
  return { states, onProgress: (_sent: number, state: ChunkState) => void states.push(state) };
}

const noWait = async () => {};

async function refusalOf(promise: Promise<unknown>): Promise<CallError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CallError);
  return error as CallError;
}

describe('sending a file in resumable chunks', () => {
  it('goes on from where the server is after a dropped chunk and a lost answer: every byte arrives once', async () => {
    const file = fileOf(40 * KiB);
    const fake = fakeUploads(file.bytes.length, { faults: [undefined, 'drop', undefined, 'lose'] });
    const progress = progressLog();
    const { upload, resumed } = await sendChunks(
      { request: fake.request, chunkBytes: 8 * KiB, sleep: noWait },
      file.path,
      uploadOf(file.bytes.length),
      progress.onProgress,
    );
    expect(upload.state).toBe('accepted');
    expect(fake.received().equals(file.bytes)).toBe(true);
    expect(fake.server.bytesReceived).toBe(file.bytes.length);
    expect(resumed).toBe(2);
    expect(progress.states.filter((s) => s === 'resuming')).toHaveLength(2);
    expect(progress.states.at(-1)).toBe('checking');
  });

  it('halves the chunk when the server says it is too big, and sends the file whole', async () => {
    const file = fileOf(300 * KiB);
    const fake = fakeUploads(file.bytes.length, { maxChunkBytes: 100 * KiB });
    const { upload, resumed } = await sendChunks(
      { request: fake.request, chunkBytes: 256 * KiB, sleep: noWait },
      file.path,
      uploadOf(file.bytes.length),
      () => {},
    );
    expect(upload.state).toBe('accepted');
    expect(fake.received().equals(file.bytes)).toBe(true);
    // 256 KiB and 128 KiB refused, then 64 KiB chunks: 5 of them.
    expect(fake.server.patches).toBe(2 + 5);
    expect(resumed).toBe(0);
  });

  it('answers the upload as the server closed it when the last answer was lost, without sending again', async () => {
    const file = fileOf(10 * KiB);
    const fake = fakeUploads(file.bytes.length, { faults: ['lose'] });
    const { upload } = await sendChunks(
      { request: fake.request, chunkBytes: 16 * KiB, sleep: noWait },
      file.path,
      uploadOf(file.bytes.length),
      () => {},
    );
    expect(upload).toMatchObject({ state: 'accepted', offset: file.bytes.length });
    expect(fake.server.patches).toBe(1);
  });

  it('gives up after the attempts allowed, waiting longer each time, and says publishing again resumes', async () => {
    const file = fileOf(10 * KiB);
    const fake = fakeUploads(file.bytes.length, { faults: [503, 503, 'drop', 503, 503, 503, 503] });
    const waits: number[] = [];
    const error = await refusalOf(
      sendChunks(
        {
          request: fake.request,
          chunkBytes: 4 * KiB,
          maxAttempts: 4,
          retryDelayMs: 100,
          sleep: async (ms) => void waits.push(ms),
        },
        file.path,
        uploadOf(file.bytes.length),
        () => {},
      ),
    );
    expect(error.code).toBe('unavailable');
    expect(error.message).toBe(
      'Could not upload 01.mp3 (the server answered 503); publish again to resume from where it stopped.',
    );
    expect(fake.server.patches).toBe(4);
    expect(waits).toEqual([100, 200, 300]);
  });

  it("stops at a considered refusal with the server's reason", async () => {
    const file = fileOf(10 * KiB);
    const fake = fakeUploads(file.bytes.length, { faults: [403] });
    const error = await refusalOf(
      sendChunks({ request: fake.request, sleep: noWait }, file.path, uploadOf(file.bytes.length), () => {}),
    );
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('Could not upload a chunk (forbidden: forbidden).');
    expect(fake.server.patches).toBe(1);
  });
});
