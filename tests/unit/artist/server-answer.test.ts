import { describe, expect, it } from 'vitest';
import { CallError } from '../../../src/shared/contract/define';
import { earnings, publishing } from '../../../src/shared/server-api';
import { callSpec, type Request } from '../../../src/main/services/artist/server-answer';
import { SyncApiError, type RawRequestInit } from '../../../src/main/services/sync/api-client';

/**
 * The artist and co-op node domains call the server through the wire
 * contract's specs: the path and method are the spec's, the answer is parsed
 * by the spec's schema, and the server's refusals become the contract's errors
 * with the server's code and message.
 */

interface Sent {
  method: string;
  path: string;
  init?: RawRequestInit;
}

/** A server that answers every request with `status` and `body`, and remembers what it was sent. */
function fakeServer(status: number, body: unknown) {
  const sent: Sent[] = [];
  const request: Request = async (method, path, init) => {
    sent.push({ method, path, init });
    return { status, headers: new Headers(), text: typeof body === 'string' ? body : JSON.stringify(body) };
  };
  return { sent, request };
}

const upload = {
  id: 'u1',
  releaseId: 'r/1',
  fileName: '01.mp3',
  title: null,
  trackNumber: 1,
  status: 'paid',
  size: 10,
  offset: 0,
  state: 'receiving',
  rejectReason: null,
  durationMs: null,
  mime: null,
  trackId: null,
};

async function refusal(promise: Promise<unknown>): Promise<CallError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CallError);
  return error as CallError;
}

describe('calling the server through a spec', () => {
  it("fills the spec's path (encoded) and query, leaving out what is undefined, and sends the body as JSON", async () => {
    const server = fakeServer(201, upload);
    const answer = await callSpec(
      server.request,
      publishing.createUpload,
      { params: { id: 'r/1' }, body: { fileName: '01.mp3', size: 10, sha256: 'a'.repeat(64) } },
      'start uploading',
    );
    expect(answer.id).toBe('u1');
    expect(server.sent).toEqual([
      {
        method: 'POST',
        path: '/v1/publishing/releases/r%2F1/uploads',
        init: { json: { fileName: '01.mp3', size: 10, sha256: 'a'.repeat(64) } },
      },
    ]);

    const rows = fakeServer(200, { artistId: 'a1', groupBy: 'day', rows: [] });
    await callSpec(
      rows.request,
      earnings.artistEarnings,
      { params: { id: 'a1' }, query: { groupBy: 'day', from: 5, to: undefined } },
      'load the earnings',
    );
    expect(rows.sent[0]).toMatchObject({ method: 'GET', path: '/v1/artists/a1/earnings?groupBy=day&from=5' });
    expect(rows.sent[0]?.init).not.toHaveProperty('json');
  });

  it('refuses an answer that is not the shape the spec says, as the server being unavailable', async () => {
    const server = fakeServer(200, { ...upload, state: 'lost' });
    const error = await refusal(
      callSpec(server.request, publishing.getUpload, { params: { id: 'u1' } }, 'look up an upload'),
    );
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain(
      'Could not look up an upload: the server answered an unexpected shape (state',
    );
  });

  it("passes the server's refusal on with its code, message and issues", async () => {
    const server = fakeServer(409, {
      error: {
        code: 'uploads_not_ready',
        message: 'a file is still arriving',
        issues: [{ path: 'tracks', message: 'x' }],
      },
    });
    const error = await refusal(
      callSpec(
        server.request,
        publishing.publishRelease,
        { params: { id: 'r1' }, body: {} },
        'publish the release',
      ),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toBe(
      'Could not publish the release (uploads_not_ready: a file is still arriving).',
    );
    expect(error.issues).toEqual([{ path: 'tracks', message: 'x' }]);

    const gone = fakeServer(404, { error: { code: 'not_found', message: 'no such release' } });
    expect(
      (await refusal(callSpec(gone.request, publishing.getPublishingRelease, { params: { id: 'r1' } }, 'x')))
        .code,
    ).toBe('not_found');
  });

  it('takes a route without an answer schema as done on any 2xx, and a network failure as not reachable', async () => {
    const server = fakeServer(204, '');
    await expect(
      callSpec(server.request, publishing.deleteUpload, { params: { id: 'u1' } }, 'remove a file'),
    ).resolves.toBeUndefined();

    const offline: Request = async () => {
      throw new SyncApiError('network', 'connection refused');
    };
    const error = await refusal(
      callSpec(offline, publishing.deleteUpload, { params: { id: 'u1' } }, 'remove a file'),
    );
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('the co-op server is not reachable');
  });
});
