import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import {
  type Api,
  TestDevice,
  freshStore,
  postgresUnavailableReason,
  seedCatalog,
  signUp,
  spawnServer,
  type ServerProcess,
  type StoreTarget,
} from './harness';
import { silentWav } from '../../support/silent-wav';

/**
 * Publishing from the app against a real server: a rightsholder makes a
 * draft, uploads a file in chunks with an interrupted chunk in the middle
 * (resumed from the offset HEAD gives), the server checks the files itself
 * and rejects a non-audio one with its reason, the release is published,
 * appears in the catalog and the sync pull, and is unpublished without
 * taking anything from the listener who owns a track.
 */
const pgSkipReason = await postgresUnavailableReason();
const OFFSET_TYPE = 'application/offset+octet-stream';
const CHUNK = 16 * 1024;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function patch(api: Api, uploadId: string, offset: number, bytes: Buffer) {
  const response = await fetch(`${api.base}/v1/publishing/uploads/${uploadId}`, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${api.token}`,
      'content-type': OFFSET_TYPE,
      'upload-offset': String(offset),
    },
    body: bytes,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

async function head(api: Api, uploadId: string) {
  const response = await fetch(`${api.base}/v1/publishing/uploads/${uploadId}`, {
    method: 'HEAD',
    headers: { authorization: `Bearer ${api.token}` },
  });
  return {
    status: response.status,
    offset: Number(response.headers.get('upload-offset')),
    state: response.headers.get('upload-state'),
  };
}

/** A PATCH whose connection dies after `sent` of its bytes: the app lost the network mid-chunk. */
function interruptedPatch(
  api: Api,
  uploadId: string,
  offset: number,
  chunk: Buffer,
  sent: number,
): Promise<void> {
  const url = new URL(`${api.base}/v1/publishing/uploads/${uploadId}`);
  return new Promise((resolve) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${api.token}`,
        'content-type': OFFSET_TYPE,
        'upload-offset': String(offset),
        'content-length': String(chunk.length),
      },
    });
    req.on('error', () => resolve());
    req.write(chunk.subarray(0, sent), () =>
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300),
    );
  });
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason !== null)(`publishing from the app on ${kind}`, () => {
    let store: StoreTarget;
    let server: ServerProcess;
    let admin: Api;
    let artistId: string;
    let artist: Awaited<ReturnType<typeof signUp>>;
    let listener: Awaited<ReturnType<typeof signUp>>;

    beforeAll(async () => {
      store = await freshStore(kind);
      server = await spawnServer(store, {
        upload: { maxChunkBytes: CHUNK, maxFileBytes: 1024 * 1024, maxUploadsPerRelease: 5 },
      });
      const seeded = await seedCatalog(store, server.url, [{ durationMs: 200_000 }]);
      admin = seeded.admin;
      artistId = (await admin.post('/v1/admin/artists', { name: `Publisher ${uuidv7()}` })).body.id;
      artist = await signUp(server.url, `artist-${uuidv7()}@example.org`);
      expect(
        (await admin.post(`/v1/admin/artists/${artistId}/rightsholders`, { userId: artist.userId })).status,
      ).toBe(204);
      listener = await signUp(server.url, `listener-${uuidv7()}@example.org`);
      await admin.post('/v1/admin/grants', { userId: listener.userId, amountThousandths: 5000 });
    });
    afterAll(async () => {
      await server?.stop();
      await store?.cleanup();
    });

    it('uploads resumably, checks the files, publishes, lists, unpublishes keeping ownership', async () => {
      // Only the artist's rightsholders make drafts.
      expect((await listener.post('/v1/publishing/releases', { artistId, title: 'Not mine' })).status).toBe(
        403,
      );
      const draft = await artist.post('/v1/publishing/releases', { artistId, title: 'First Light' });
      expect(draft.status).toBe(201);
      expect(draft.body).toMatchObject({ status: 'draft', uploads: [], tracks: [] });
      const releaseId = draft.body.id as string;
      // A draft is not in the catalog for listeners.
      expect((await listener.get(`/v1/catalog/releases/${releaseId}`)).status).toBe(404);

      const song = silentWav(120); // 120 044 bytes: eight chunks
      const created = await artist.post(`/v1/publishing/releases/${releaseId}/uploads`, {
        fileName: 'song.wav',
        size: song.length,
        sha256: sha256(song),
        title: 'Dawn Chorus',
        status: 'paid',
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/v1/publishing/uploads/${created.body.id}`);
      const uploadId = created.body.id as string;

      // Limits and authorization on every step.
      expect(
        (
          await artist.post(`/v1/publishing/releases/${releaseId}/uploads`, {
            fileName: 'huge.wav',
            size: 2 * 1024 * 1024,
            sha256: sha256(song),
          })
        ).body.error.code,
      ).toBe('file_too_large');
      expect((await patch(listener, uploadId, 0, song.subarray(0, CHUNK))).status).toBe(403);
      expect((await head(listener, uploadId)).status).toBe(403);
      expect((await patch(artist, uploadId, 0, song.subarray(0, CHUNK + 1))).body.error.code).toBe(
        'body_too_large',
      );
      const wrongType = await fetch(`${server.url}/v1/publishing/uploads/${uploadId}`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${artist.token}`,
          'content-type': 'application/octet-stream',
          'upload-offset': '0',
        },
        body: song.subarray(0, 10),
      });
      expect(wrongType.status).toBe(415);

      // First chunk; then one cut off after 5 000 of its bytes.
      expect((await patch(artist, uploadId, 0, song.subarray(0, CHUNK))).body).toMatchObject({
        offset: CHUNK,
        state: 'receiving',
      });
      await interruptedPatch(artist, uploadId, CHUNK, song.subarray(CHUNK, 2 * CHUNK), 5000);
      let resumeAt = 0;
      for (let i = 0; i < 50 && resumeAt !== CHUNK + 5000; i++) {
        resumeAt = (await head(artist, uploadId)).offset;
        if (resumeAt !== CHUNK + 5000) await new Promise((r) => setTimeout(r, 100));
      }
      expect(resumeAt).toBe(CHUNK + 5000); // the bytes that arrived were kept
      // A chunk at the wrong offset is refused with the right one.
      const stale = await patch(artist, uploadId, CHUNK, song.subarray(CHUNK, 2 * CHUNK));
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe('offset_mismatch');
      expect(stale.headers.get('upload-offset')).toBe(String(CHUNK + 5000));
      // Resume from where the server is.
      let last: Awaited<ReturnType<typeof patch>> | undefined;
      for (let at = resumeAt; at < song.length; at += CHUNK) {
        last = await patch(artist, uploadId, at, song.subarray(at, Math.min(at + CHUNK, song.length)));
        expect(last.status).toBe(200);
      }
      expect(last!.body).toMatchObject({
        offset: song.length,
        state: 'accepted',
        durationMs: 120_000,
        mime: 'audio/wav',
        title: 'Dawn Chorus',
        rejectReason: null,
      });
      expect((await patch(artist, uploadId, song.length, Buffer.from('x'))).body.error.code).toBe(
        'upload_closed',
      );

      // Not audio: rejected with a reason, and publishing waits until it is removed.
      const text = Buffer.from('these are liner notes, not a song\n'.repeat(20));
      const fake = await artist.post(`/v1/publishing/releases/${releaseId}/uploads`, {
        fileName: 'notes.mp3',
        size: text.length,
        sha256: sha256(text),
      });
      const fakeDone = await patch(artist, fake.body.id, 0, text);
      expect(fakeDone.body.state).toBe('rejected');
      expect(fakeDone.body.rejectReason).toMatch(/^(unreadable|unsupported_format)/);
      // A file that is not what was declared: checksum.
      const short = silentWav(30);
      const liar = await artist.post(`/v1/publishing/releases/${releaseId}/uploads`, {
        fileName: 'short.wav',
        size: short.length,
        sha256: sha256(song),
        status: 'free',
      });
      let liarDone: Awaited<ReturnType<typeof patch>> | undefined;
      for (let at = 0; at < short.length; at += CHUNK)
        liarDone = await patch(artist, liar.body.id, at, short.subarray(at, at + CHUNK));
      expect(liarDone!.body.rejectReason).toMatch(/^checksum_mismatch/);
      const refused = await artist.post(`/v1/publishing/releases/${releaseId}/publish`, {});
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('uploads_not_ready');
      expect(refused.body.error.issues.map((i: any) => i.path).sort()).toEqual(
        [fake.body.id, liar.body.id].sort(),
      );
      expect((await artist.call('DELETE', `/v1/publishing/uploads/${fake.body.id}`)).status).toBe(204);
      expect((await artist.call('DELETE', `/v1/publishing/uploads/${liar.body.id}`)).status).toBe(204);

      expect((await listener.post(`/v1/publishing/releases/${releaseId}/publish`, {})).status).toBe(403);
      const published = await artist.post(`/v1/publishing/releases/${releaseId}/publish`, {
        tracks: [{ uploadId, status: 'paid' }],
      });
      expect(published.status).toBe(200);
      expect(published.body.status).toBe('published');
      expect(published.body.tracks).toEqual([
        expect.objectContaining({
          title: 'Dawn Chorus',
          durationMs: 120_000,
          status: 'paid',
          hasAudio: true,
          published: true,
          releaseId,
        }),
      ]);
      const trackId = published.body.tracks[0].id as string;

      // In the catalog, the sync pull, and streamable.
      expect(
        (await listener.get('/v1/catalog/tracks?q=dawn%20chorus')).body.tracks.map((t: any) => t.id),
      ).toEqual([trackId]);
      const device = new TestDevice();
      await device.register(listener);
      const pull = await listener.post('/v1/sync', { deviceId: device.id });
      expect(pull.body.catalog.tracks.map((t: any) => t.id)).toContain(trackId);
      const audio = await fetch(`${server.url}/v1/tracks/${trackId}/audio`, {
        headers: { authorization: `Bearer ${listener.token}` },
      });
      expect(sha256(Buffer.from(await audio.arrayBuffer()))).toBe(sha256(song));

      // The listener plays it once and buys the rest: they own it.
      const played = await listener.post('/v1/receipts', {
        deviceId: device.id,
        receipts: [device.play(trackId, { durationMs: 120_000 })],
      });
      expect(played.body.results[0]).toMatchObject({
        status: 'settled',
        outcome: 'paid',
        priceThousandths: 2,
      });
      expect((await listener.post(`/v1/tracks/${trackId}/buy`, {})).body.totalThousandths).toBe(1020);
      const other = await signUp(server.url, `other-${uuidv7()}@example.org`);

      // Unpublish: out of the listing and (flagged) out of the pull; history and ownership stay.
      const unpublished = await artist.post(`/v1/publishing/releases/${releaseId}/unpublish`, {});
      expect(unpublished.body.status).toBe('unpublished');
      expect((await listener.get('/v1/catalog/tracks?q=dawn%20chorus')).body.tracks).toEqual([]);
      const later = await listener.post('/v1/sync', { deviceId: device.id, cursor: pull.body.cursor });
      expect(later.body.catalog.tracks).toEqual([expect.objectContaining({ id: trackId, published: false })]);
      const freshDevice = new TestDevice();
      await freshDevice.register(other);
      expect(
        (await other.post('/v1/sync', { deviceId: freshDevice.id })).body.catalog.tracks.map(
          (t: any) => t.id,
        ),
      ).not.toContain(trackId);
      expect(
        (
          await fetch(`${server.url}/v1/tracks/${trackId}/audio`, {
            headers: { authorization: `Bearer ${listener.token}` },
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await fetch(`${server.url}/v1/tracks/${trackId}/audio`, {
            headers: { authorization: `Bearer ${other.token}` },
          })
        ).status,
      ).toBe(403);
      expect((await other.post(`/v1/tracks/${trackId}/buy`, {})).body.error.code).toBe('unpublished');
      expect((await listener.get('/v1/owned')).body.tracks.map((t: any) => t.trackId)).toEqual([trackId]);
      // An owner's play still settles (free, owned) and the artist's earnings keep the sales.
      const again = await listener.post('/v1/receipts', {
        deviceId: device.id,
        receipts: [device.play(trackId, { durationMs: 120_000 })],
      });
      expect(again.body.results[0]).toMatchObject({
        status: 'settled',
        outcome: 'free',
        freeReason: 'owned',
      });
      const earnings = await artist.get(`/v1/artists/${artistId}/earnings?groupBy=track`);
      expect(earnings.body.rows).toEqual([
        expect.objectContaining({ key: trackId, totalPlays: 2, paidPlays: 1, spentThousandths: 1022 }),
      ]);
      // Uploads are closed once published; re-publishing lists it again.
      expect(
        (
          await artist.post(`/v1/publishing/releases/${releaseId}/uploads`, {
            fileName: 'b.wav',
            size: 10,
            sha256: sha256(song),
          })
        ).body.error.code,
      ).toBe('not_a_draft');
      expect((await artist.post(`/v1/publishing/releases/${releaseId}/publish`, {})).body.status).toBe(
        'published',
      );
      expect(
        (await other.get('/v1/catalog/tracks?q=dawn%20chorus')).body.tracks.map((t: any) => t.id),
      ).toEqual([trackId]);
    });
  });
}
