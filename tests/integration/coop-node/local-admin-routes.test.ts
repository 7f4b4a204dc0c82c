import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { startServer } from '../../../src/server/app';
import { Api, signUp, TEST_CONFIG, tempDir } from '../server/harness';
import { makeAudioFolder } from '../sync/support';

/**
 * The bundled node's local-admin routes over HTTP, as anyone on loopback
 * could call them: the token is the only way to become admin, it works once
 * (also when two accounts race for it), and importing a folder is admin-only
 * with plain 4xx answers for bad folders.
 */
describe('local-admin routes of the bundled node', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let dataDir: string;
  const tokenFile = () => join(dataDir, 'local-admin-token');

  beforeAll(async () => {
    dataDir = tempDir('local-admin-');
    server = await startServer({
      dataDir,
      port: 0,
      logLevel: 'silent',
      config: TEST_CONFIG,
      localAdmin: { tokenFile: join(dataDir, 'local-admin-token') },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('writes the token readable by its owner only, and makes exactly one of two racing accounts admin', async () => {
    expect(statSync(tokenFile()).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile(), 'utf8').trim();
    expect(await new Api(server.url).get('/v1/local-admin')).toMatchObject({
      status: 200,
      body: { hasAdmin: false, claimable: true },
    });

    const anonymous = await new Api(server.url).post('/v1/local-admin/claim', { token });
    expect(anonymous.status).toBe(401);
    const a = await signUp(server.url, `a-${uuidv7()}@example.org`);
    const b = await signUp(server.url, `b-${uuidv7()}@example.org`);
    const wrong = await a.post('/v1/local-admin/claim', { token: `${token}x` });
    expect(wrong).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await a.post('/v1/local-admin/claim', { token: 12 })).toMatchObject({ status: 400 });

    const answers = await Promise.all([
      a.post('/v1/local-admin/claim', { token }),
      b.post('/v1/local-admin/claim', { token }),
    ]);
    expect(answers.map((x) => x.status).sort()).toEqual([200, 409]);
    const roles = await Promise.all([a.get('/v1/me'), b.get('/v1/me')]);
    expect(roles.map((r) => r.body.role).sort()).toEqual(['admin', 'listener']);
    expect(await new Api(server.url).get('/v1/local-admin')).toMatchObject({
      body: { hasAdmin: true, claimable: false },
    });
    // Writing a token file by hand does not bring the claim back: the node only knew the one it wrote.
    writeFileSync(tokenFile(), `${token}\n`);
    expect((await b.post('/v1/local-admin/claim', { token })).status).toBe(409);
  });

  it('imports a folder only for an admin, with 400 for a relative, missing, file or audio-less folder', async () => {
    const admin = await signUp(server.url, `c-${uuidv7()}@example.org`);
    const listener = await signUp(server.url, `d-${uuidv7()}@example.org`);
    const folder = makeAudioFolder([2]);
    expect((await listener.post('/v1/local-admin/releases/import', { folder, artist: 'Nope' })).status).toBe(
      403,
    );
    // The admin is whoever claimed above; make this one admin the way an operator would.
    await server.ctx.store.db
      .updateTable('users')
      .set({ role: 'admin' })
      .where('email', 'like', 'c-%')
      .execute();
    const bad = async (f: string) =>
      (await admin.post('/v1/local-admin/releases/import', { folder: f, artist: 'X' })).body.error;
    expect(await bad('relative/folder')).toMatchObject({
      code: 'bad_folder',
      message: 'the folder must be an absolute path',
    });
    expect(await bad(join(folder, 'gone'))).toMatchObject({ code: 'bad_folder' });
    expect(await bad(join(folder, '01.mp3'))).toMatchObject({
      code: 'bad_folder',
      message: expect.stringMatching(/is a file, not a folder/),
    });
    expect(await bad(tempDir('empty-'))).toMatchObject({ code: 'no_audio' });
    const before = await server.ctx.store.db.selectFrom('releases').select('id').execute();
    const made = await admin.post('/v1/local-admin/releases/import', {
      folder,
      artist: 'Quiet Harbour',
      free: true,
    });
    expect(made).toMatchObject({
      status: 201,
      body: { artistName: 'Quiet Harbour', title: 'Sync Tests', tracks: [{ title: 'Song 1' }] },
    });
    expect((await server.ctx.store.db.selectFrom('releases').select('id').execute()).length).toBe(
      before.length + 1,
    );
    const track = await admin.get(`/v1/catalog/tracks/${made.body.tracks[0].id}`);
    expect(track.body).toMatchObject({ status: 'free', hasAudio: true, published: true });
  });
});
