import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { FakeClock } from '../../../src/main/services/core/clock';
import type { FetchLike } from '../../../src/main/services/sync/api-client';
import {
  TestDevice,
  freshStore,
  signInNewAdmin,
  signUp,
  tempDir,
  type Api,
  type StoreTarget,
} from '../server/harness';
import { makeApp, makeAudioFolder, serverProcess, type TestApp } from '../sync/support';

/**
 * The artist domain against a real sync server process (SQLite): publish a
 * release draft from a generated folder, with an upload interrupted after
 * its first chunk that resumes from the server's offset (HEAD), and a file
 * that is not audio rejected with the server's reason; then a listener's
 * signed receipts settle and the artist sees the earnings, exports the CSV
 * and an audit report that verifies (in-process and with the CLI).
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const CHUNK = 32 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The network between the app and the server, with a switch to cut an upload. */
function cuttableFetch() {
  const state = { cut: null as null | 'before_send' | 'lose_answer', patches: 0, cuts: 0 };
  const fetchImpl: FetchLike = async (url, init) => {
    if (init.method === 'PATCH') {
      state.patches++;
      const cut = state.cut;
      if (cut && state.patches > 1) {
        state.cut = null;
        state.cuts++;
        if (cut === 'before_send') throw new TypeError('fetch failed: connection reset');
        // The chunk reaches the server, the answer never reaches the app.
        await fetch(url, init).then((r) => r.text());
        throw new TypeError('fetch failed: socket hang up');
      }
    }
    return fetch(url, init);
  };
  return { state, fetch: fetchImpl };
}

describe('the artist domain with a real server process', () => {
  let store: StoreTarget;
  let server: Awaited<ReturnType<typeof serverProcess>>;
  let admin: Api;
  let artistId: string;
  let t: TestApp;
  let net: ReturnType<typeof cuttableFetch>;
  let folder: string;
  let draftId: string;
  let releaseId: string;
  let trackIds: string[];

  beforeAll(async () => {
    store = await freshStore('sqlite');
    server = await serverProcess(store);
    admin = await signInNewAdmin(store, server.url);
    artistId = (await admin.post('/v1/admin/artists', { name: `Publisher ${uuidv7()}` })).body.id;
    net = cuttableFetch();
    // Small chunks so a file takes several; no waiting between retries.
    t = makeApp(server.url, {
      clock: new FakeClock(1_000, Date.now()),
      fetch: net.fetch,
      artist: { chunkBytes: CHUNK, retryDelayMs: 1 },
    });
    const account = await t.call('account.signUp', {
      email: `artist-${uuidv7()}@example.org`,
      password: 'artist password',
    });
    expect(
      (await admin.post(`/v1/admin/artists/${artistId}/rightsholders`, { userId: account.userId })).status,
    ).toBe(204);
    folder = makeAudioFolder([60, 50, 20]);
    writeFileSync(join(folder, '04.mp3'), 'these are liner notes, not a song\n'.repeat(40));
  }, 60_000);
  afterAll(async () => {
    await t?.app.close();
    await server?.stop();
    await store?.cleanup();
  });

  it('lists the artist profiles the account holds', async () => {
    const { artists } = await t.call('artist.profiles');
    expect(artists).toEqual([expect.objectContaining({ id: artistId })]);
  });

  it('publishes a draft: an interrupted upload resumes from the server offset, a non-audio file is rejected with the reason', async () => {
    const draft = await t.call('release.openDraft', { folder });
    draftId = draft.draftId;
    expect(draft.tracks).toHaveLength(4);
    const progress: any[] = [];
    const off = t.app.events.subscribe((name, payload) => {
      if (name === 'artist.publishProgress') progress.push(payload);
    });
    // Cut the connection on the second chunk of the first file (it never arrives).
    net.state.cut = 'before_send';
    const first = await t.call('artist.publish', {
      draftId,
      artistId,
      title: 'First Light',
      tracks: [1, 2, 3, 4].map((position) => ({ position, status: 'paid' })),
    });
    expect(net.state.cuts).toBe(1);
    expect(first.published).toBe(false);
    expect(first.resumed).toBeGreaterThanOrEqual(1);
    expect(first.rejected).toEqual([
      expect.objectContaining({
        position: 4,
        fileName: '04.mp3',
        reason: expect.stringMatching(/^(unreadable|unsupported_format|no_audio_stream)/),
      }),
    ]);
    expect(first.release.status).toBe('draft');
    expect(progress.some((p) => p.fileState === 'resuming' && p.position === 1)).toBe(true);
    expect(progress.some((p) => p.fileState === 'rejected' && p.position === 4 && p.message)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'failed' });

    // Leave the rejected file out and publish again: the same server draft, accepted files kept.
    // This time the second chunk of a file arrives but its answer is lost.
    net.state.cut = 'lose_answer';
    net.state.patches = 0;
    progress.length = 0;
    const second = await t.call('artist.publish', {
      draftId,
      artistId,
      title: 'First Light',
      tracks: [
        { position: 1, status: 'paid' },
        { position: 2, status: 'free' },
        { position: 3, status: 'paid' }, // 20 s: published free whatever is asked
      ],
    });
    off();
    expect(second.published).toBe(true);
    expect(second.releaseId).toBe(first.releaseId);
    releaseId = second.releaseId;
    expect(second.release.status).toBe('published');
    expect(second.release.tracks.map((x: any) => [x.title, x.status])).toEqual([
      ['Song 1', 'paid'],
      ['Song 2', 'free'],
      ['Song 3', 'free'],
    ]);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', filesDone: 3, filesTotal: 3 });
    trackIds = second.release.tracks.map((x: any) => x.id);

    // In the catalog, and the bytes are exactly the files.
    const listener = await signUp(server.url, `listener-${uuidv7()}@example.org`);
    const found = await listener.get('/v1/catalog/tracks?q=song');
    expect(found.body.tracks.map((x: any) => x.id).sort()).toEqual([...trackIds].sort());
    const audio = await fetch(`${server.url}/v1/tracks/${trackIds[0]}/audio`, {
      headers: { authorization: `Bearer ${listener.token}` },
    });
    expect(sha256(Buffer.from(await audio.arrayBuffer()))).toBe(sha256(readFileSync(join(folder, '01.mp3'))));

    const { releases } = await t.call('artist.releases', { artistId });
    expect(releases).toEqual([
      expect.objectContaining({ releaseId, status: 'published', title: 'First Light' }),
    ]);
    // Publishing the same draft again is refused: it is published.
    const again = await t.app.dispatch('artist.publish', {
      draftId,
      artistId,
      title: 'First Light',
      tracks: [{ position: 1, status: 'paid' }],
    });
    expect(again.ok).toBe(false);
  }, 120_000);

  it("shows the earnings after a listener's signed receipts settle, exports CSV and a report that verifies", async () => {
    const listener = await signUp(server.url, `listener-${uuidv7()}@example.org`);
    await admin.post('/v1/admin/grants', { userId: listener.userId, amountThousandths: 5000 });
    const device = new TestDevice();
    await device.register(listener);
    const [paidTrack, freeTrack, shortTrack] = await Promise.all(
      trackIds.map(async (id) => (await listener.get(`/v1/catalog/tracks/${id}`)).body),
    );
    const play = (track: any) =>
      device.play(track.id, { durationMs: track.durationMs, heardMs: Math.min(45_000, track.durationMs) });
    const settled = await listener.post('/v1/receipts', {
      deviceId: device.id,
      receipts: [play(paidTrack), play(paidTrack), play(paidTrack), play(freeTrack), play(shortTrack)],
    });
    expect(settled.body.results.map((r: any) => [r.status, r.outcome, r.priceThousandths])).toEqual([
      ['settled', 'paid', 2],
      ['settled', 'paid', 4],
      ['settled', 'paid', 8],
      ['settled', 'free', 0],
      ['settled', 'free', 0],
    ]);

    const byTrack = await t.call('artist.earnings', { artistId, groupBy: 'track' });
    const row = (id: string) => byTrack.rows.find((r: any) => r.key === id);
    expect(row(paidTrack.id)).toMatchObject({
      title: 'Song 1',
      totalPlays: 3,
      paidPlays: 3,
      freePlays: 0,
      unpaidPlays: 0,
      spentThousandths: 14,
      artistShareTenThousandths: 98,
      coopShareTenThousandths: 42,
    });
    expect(row(freeTrack.id)).toMatchObject({ totalPlays: 1, freePlays: 1, spentThousandths: 0 });
    expect(row(shortTrack.id)).toMatchObject({ totalPlays: 1, freePlays: 1 });
    expect(byTrack.totals).toMatchObject({
      totalPlays: 5,
      paidPlays: 3,
      freePlays: 2,
      spentThousandths: 14,
      artistShareTenThousandths: 98,
      coopShareTenThousandths: 42,
    });
    expect(byTrack.previewsNotCounted).toBeNull();
    expect(byTrack.previewsNote).toMatch(/no record/);

    const byDay = await t.call('artist.earnings', { artistId, groupBy: 'day' });
    expect(byDay.rows).toEqual([
      expect.objectContaining({
        key: new Date().toISOString().slice(0, 10),
        totalPlays: 5,
        spentThousandths: 14,
      }),
    ]);
    const empty = await t.call('artist.earnings', { artistId, groupBy: 'month', from: 0, to: 1000 });
    expect(empty.rows).toEqual([]);

    const csv = await t.call('artist.earningsCsv', { artistId, groupBy: 'track' });
    expect(csv.fileName).toMatch(/\.csv$/);
    expect(csv.csv).toContain(
      `${paidTrack.id},Song 1,3,3,0,0,0.014,0.0098,0.0042,0.014,0.0098,0,0.000,0.0000`,
    );

    const membership = await t.call('artist.membership', {});
    expect(membership.artist).toMatchObject({ member: false, earnedTenThousandths: 98 });

    const file = join(tempDir('artist-report-'), 'reports', 'march.json');
    const verdict = await t.call('artist.exportReport', { artistId, path: file });
    expect(verdict).toMatchObject({ path: file, ok: true, receipts: 5, verified: 5, mismatchCount: 0 });
    expect(verdict.totals).toMatchObject({
      plays: 5,
      paidPlays: 3,
      freePlays: 2,
      creditsSpentThousandths: 14,
      artistShareTenThousandths: 98,
      coopShareTenThousandths: 42,
    });
    expect(verdict.command).toBe(`npm run --silent cli -- verify-report ${file} --json`);
    expect(existsSync(file)).toBe(true);
    // The command the UI tells the artist to run agrees.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/index.ts'), 'verify-report', file, '--json'],
      { cwd: ROOT },
    );
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, receipts: 5, verified: 5 });
    // A tampered file is caught by the same verifier.
    const tampered = JSON.parse(readFileSync(file, 'utf8'));
    tampered.plays[0].priceThousandths = 4;
    writeFileSync(file, JSON.stringify(tampered));
    const cli = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/index.ts'), 'verify-report', file, '--json'],
      { cwd: ROOT },
    ).catch((e: { stdout: string }) => e);
    expect(JSON.parse(cli.stdout).ok).toBe(false);
  }, 120_000);

  it('shows purchases on their own line: a listener who plays twice and buys the rest is 2 paid plays and 1 purchase, each with its credits and share', async () => {
    // A second artist of the same account, so its figures are this listener's alone.
    const second = (await admin.post('/v1/admin/artists', { name: `Seller ${uuidv7()}` })).body.id as string;
    expect(
      (
        await admin.post(`/v1/admin/artists/${second}/rightsholders`, {
          userId: (await t.call('account.status')).userId,
        })
      ).status,
    ).toBe(204);
    const release = await admin.post('/v1/admin/releases', {
      artistId: second,
      title: 'Owned',
      tracks: [{ title: 'Keeper', durationMs: 200_000, status: 'paid' }],
    });
    const [trackId] = release.body.trackIds as string[];
    const listener = await signUp(server.url, `buyer-${uuidv7()}@example.org`);
    await admin.post('/v1/admin/grants', { userId: listener.userId, amountThousandths: 5000 });
    const device = new TestDevice();
    await device.register(listener);
    const settled = await listener.post('/v1/receipts', {
      deviceId: device.id,
      receipts: [device.play(trackId!), device.play(trackId!)],
    });
    expect(settled.body.results.map((r: any) => r.priceThousandths)).toEqual([2, 4]);
    expect(
      (await listener.post(`/v1/tracks/${trackId}/buy`, { requestId: `buy-${uuidv7()}` })).body
        .totalThousandths,
    ).toBe(1016);

    const split = {
      totalPlays: 2,
      paidPlays: 2,
      purchases: 1,
      playSpentThousandths: 6,
      playArtistShareTenThousandths: 42,
      purchaseSpentThousandths: 1016,
      purchaseArtistShareTenThousandths: 7112,
      spentThousandths: 1022,
      artistShareTenThousandths: 7154,
      coopShareTenThousandths: 3066,
    };
    const byTrack = await t.call('artist.earnings', { artistId: second, groupBy: 'track' });
    expect(byTrack.rows).toEqual([expect.objectContaining({ key: trackId, title: 'Keeper', ...split })]);
    expect(byTrack.totals).toMatchObject(split);
    const byMonth = await t.call('artist.earnings', { artistId: second, groupBy: 'month' });
    expect(byMonth.rows).toEqual([
      expect.objectContaining({ key: new Date().toISOString().slice(0, 7), ...split }),
    ]);

    const csv = (await t.call('artist.earningsCsv', { artistId: second, groupBy: 'track' })).csv.split(
      '\r\n',
    );
    expect(csv[0]).toBe(
      'track,title,total_plays,paid_plays,free_plays,unpaid_plays,credits_spent,artist_share,coop_share,paid_play_credits,paid_play_artist_share,purchases,purchase_credits,purchase_artist_share',
    );
    expect(csv[1]).toBe(`${trackId},Keeper,2,2,0,0,1.022,0.7154,0.3066,0.006,0.0042,1,1.016,0.7112`);
  }, 60_000);

  it('unpublishes keeping the earnings; other accounts may not touch the artist', async () => {
    const unpublished = await t.call('artist.unpublish', { releaseId });
    expect(unpublished.status).toBe('unpublished');
    const byTrack = await t.call('artist.earnings', { artistId, groupBy: 'track' });
    expect(byTrack.totals.paidPlays).toBe(3);
    expect((await t.call('artist.releases', { artistId })).releases[0].status).toBe('unpublished');

    const other = makeApp(server.url, { clock: new FakeClock(1_000, Date.now()) });
    try {
      await other.call('account.signUp', {
        email: `other-${uuidv7()}@example.org`,
        password: 'other password',
      });
      expect((await other.call('artist.profiles')).artists).toEqual([]);
      const denied = await other.app.dispatch('artist.earnings', { artistId, groupBy: 'track' });
      expect(denied).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const signedOut = makeApp(server.url);
      const unavailable = await signedOut.app.dispatch('artist.profiles', {});
      expect(unavailable).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      await signedOut.app.close();
    } finally {
      await other.app.close();
    }
  }, 60_000);
});
