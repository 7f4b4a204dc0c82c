import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { createAppServices, type AppServices } from '../../../src/main/services/app-services';
import { FakeClock } from '../../../src/main/services/core/clock';
import { silentLogger } from '../../../src/main/services/core/logger';
import { startBundledServer } from '../../../src/server/bundled';
import { startServer } from '../../../src/server/app';
import { createUser } from '../../../src/server/accounts/users';
import type { CallResult } from '../../../src/shared/contract';
import { TEST_CONFIG, tempDir } from '../server/harness';
import { listen, makeAudioFolder, ok, type TestApp } from '../sync/support';

/**
 * The "Co-op node" page's calls through the app services, against the real
 * bundled server in-process (the app's own node) and against a remote server:
 * becoming the node's admin with the one-time token, importing a folder,
 * granting credits, vouchers and rightsholders, and what a non-admin or a
 * remote account is offered and refused.
 */

const password = 'node owner password';

function openApp(dataDir: string, syncServerUrl = ''): TestApp {
  const clock = new FakeClock(1_000, Date.now());
  const app = createAppServices({
    dataDir,
    clock,
    logger: silentLogger,
    settingsBackend: { store: { syncServerUrl } },
    host: { kind: 'web', pickFolder: async () => null, mediaUrl: (p) => `/media/${p}` },
    appVersion: '0.0.0-test',
    startBundledServer,
    sync: { autoStart: false },
  });
  return {
    app,
    clock,
    timers: undefined as never,
    dataDir,
    call: async (name, input = {}) => ok(await app.dispatch(name, input)),
  };
}

function failed(result: CallResult<unknown>): { code: string; message: string } {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

const tokenFile = (dataDir: string) => join(dataDir, 'coop-server', 'local-admin-token');

describe("the app's own node", () => {
  let dataDir: string;
  let t: TestApp;
  let app: AppServices;
  const owner = `owner-${uuidv7()}@example.org`;
  const friend = `friend-${uuidv7()}@example.org`;

  beforeAll(() => {
    dataDir = tempDir('coop-node-');
    t = openApp(dataDir);
    app = t.app;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('offers the first account admin; the token from the data folder works once and never reaches the renderer', async () => {
    expect(await t.call('node.status')).toMatchObject({
      bundled: true,
      signedIn: false,
      canClaimAdmin: false,
      actions: { grantCredits: false, importFolder: false },
    });
    await t.call('account.signUp', { email: owner, password });
    const token = readFileSync(tokenFile(dataDir), 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(32);

    const before = await t.call('node.status');
    expect(before).toMatchObject({
      bundled: true,
      signedIn: true,
      role: 'listener',
      canClaimAdmin: true,
      hasAdmin: false,
    });
    expect(before.actions).toEqual({
      importFolder: false,
      grantCredits: false,
      makeVouchers: false,
      rightsholders: false,
      redeemVoucher: true,
      publish: false,
    });
    // A listener's admin call is refused by the server.
    expect(failed(await app.dispatch('node.makeVouchers', { valueThousandths: 1000, count: 1 })).code).toBe(
      'forbidden',
    );

    const after = await t.call('node.claimAdmin');
    expect(after).toMatchObject({ role: 'admin', canClaimAdmin: false, hasAdmin: true });
    expect(after.actions).toEqual({
      importFolder: true,
      grantCredits: true,
      makeVouchers: true,
      rightsholders: true,
      redeemVoucher: true,
      publish: true,
    });
    expect(JSON.stringify([before, after])).not.toContain(token);
    expect(existsSync(tokenFile(dataDir))).toBe(false);
    // The header's account (account.status) knows at once.
    expect(await t.call('account.status')).toMatchObject({ email: owner, role: 'admin' });

    // Once used, the token is gone: a second account is not offered admin and cannot claim it.
    await t.call('account.signOut');
    await t.call('account.signUp', { email: friend, password });
    const second = await t.call('node.status');
    expect(second).toMatchObject({
      role: 'listener',
      canClaimAdmin: false,
      hasAdmin: true,
      actions: { grantCredits: false, importFolder: false },
    });
    const claim = failed(await app.dispatch('node.claimAdmin', {}));
    expect(claim.code).toBe('conflict');
    expect(claim.message).toMatch(/has an admin already/);
    // Even with a token file written by hand, the node refuses (it knows only the token it wrote, now used).
    writeFileSync(tokenFile(dataDir), 'forged-token-forged-token-forged-token\n');
    expect(failed(await app.dispatch('node.claimAdmin', {})).code).toBe('conflict');
    expect(await t.call('account.status')).toMatchObject({ email: friend, role: 'listener' });
    await t.call('account.signOut');
    await t.call('account.signIn', { email: owner, password });
  });

  it('an admin imports a folder as a release that the catalog lists and plays, and grants credits to pay for it', async () => {
    const folder = makeAudioFolder([50, 3]);
    writeFileSync(join(folder, '03 broken.mp3'), Buffer.alloc(4000, 7));
    const imported = await t.call('node.importRelease', {
      folder,
      artist: 'Harbour Lights',
      title: 'First Light',
    });
    expect(imported).toMatchObject({ artistName: 'Harbour Lights', title: 'First Light' });
    expect(imported.tracks.map((x: { title: string }) => x.title)).toEqual(['Song 1', 'Song 2']);
    expect(imported.skipped.map((s: { file: string }) => s.file)).toEqual(['03 broken.mp3']);

    // The import synced: the catalog on this device lists the release.
    const { tracks } = await t.call('coop.tracks', {});
    const listed = tracks.filter((x: { id: string }) =>
      imported.tracks.some((i: { id: string }) => i.id === x.id),
    );
    expect(
      listed.map((x: { title: string; artist: string; album: string }) => [x.title, x.artist, x.album]),
    ).toEqual([
      ['Song 1', 'Harbour Lights', 'First Light'],
      ['Song 2', 'Harbour Lights', 'First Light'],
    ]);

    const granted = await t.call('node.grantCredits', {
      email: owner.toUpperCase(),
      amountThousandths: 5000,
      note: 'first credits',
    });
    expect(granted).toEqual({ email: owner, amountThousandths: 5000, balanceThousandths: 5000 });
    expect((await t.call('wallet.get')).balanceThousandths).toBe(5000);

    const played = await listen(t, imported.tracks[0].id);
    expect(played.counted).toBe(true);
    await t.call('sync.now');
    expect((await t.call('wallet.get')).balanceThousandths).toBeLessThan(5000);
  });

  it('bad input gets a plain error and changes nothing', async () => {
    const balance = (await t.call('wallet.get')).balanceThousandths;
    const missing = failed(
      await app.dispatch('node.importRelease', { folder: join(dataDir, 'no-such-folder'), artist: 'X' }),
    );
    expect(missing).toMatchObject({ code: 'invalid_input' });
    expect(missing.message).toMatch(/there is no folder .*no-such-folder/);
    expect(
      failed(await app.dispatch('node.importRelease', { folder: 'Music/Album', artist: 'X' })).message,
    ).toMatch(/full path of the folder/);
    const empty = tempDir('coop-node-empty-');
    writeFileSync(join(empty, 'notes.txt'), 'not audio');
    expect(failed(await app.dispatch('node.importRelease', { folder: empty, artist: 'X' })).message).toMatch(
      /no readable audio files/,
    );

    const nobody = failed(
      await app.dispatch('node.grantCredits', { email: 'nobody@example.org', amountThousandths: 1000 }),
    );
    expect(nobody).toMatchObject({ code: 'not_found' });
    expect(nobody.message).toMatch(/no account nobody@example.org/);
    expect(failed(await app.dispatch('node.grantCredits', { email: owner, amountThousandths: 0 })).code).toBe(
      'invalid_input',
    );
    expect(
      failed(await app.dispatch('node.grantCredits', { email: owner, amountThousandths: 1.5 })).code,
    ).toBe('invalid_input');
    await t.call('sync.now');
    expect((await t.call('wallet.get')).balanceThousandths).toBe(balance);
    const accounts = await t.call('node.findAccounts', { query: '' });
    expect(accounts.accounts.map((a: { email: string }) => a.email).sort()).toEqual([friend, owner].sort());
  });

  it('vouchers made by the admin are redeemed by another account; the admin makes that account a rightsholder', async () => {
    const batch = await t.call('node.makeVouchers', {
      valueThousandths: 2000,
      count: 2,
      note: 'launch party',
    });
    expect(batch.codes).toHaveLength(2);
    expect(new Set(batch.codes).size).toBe(2);

    const made = await t.call('node.addRightsholder', { email: friend, artist: 'harbour lights' });
    expect(made.artistName).toBe('Harbour Lights');
    expect(made.account).toMatchObject({
      email: friend,
      role: 'artist',
      artists: [{ name: 'Harbour Lights' }],
    });

    await t.call('account.signOut');
    await t.call('account.signIn', { email: friend, password });
    const redeemed = await t.call('wallet.redeemVoucher', { code: batch.codes[0] });
    expect(redeemed.balanceThousandths).toBe(2000);
    const status = await t.call('node.status');
    expect(status).toMatchObject({
      role: 'artist',
      actions: { publish: true, grantCredits: false, importFolder: false },
    });
    expect(await t.call('account.status')).toMatchObject({ artists: [{ name: 'Harbour Lights' }] });
    await t.call('account.signOut');
  });

  it('a restart of a node that has an admin writes no token', async () => {
    await app.close();
    t = openApp(dataDir);
    app = t.app;
    await t.call('account.signIn', { email: owner, password });
    expect(existsSync(tokenFile(dataDir))).toBe(false);
    expect(await t.call('node.status')).toMatchObject({
      role: 'admin',
      canClaimAdmin: false,
      hasAdmin: true,
    });
  });
});

describe('a remote co-op server', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let t: TestApp;
  const admin = `admin-${uuidv7()}@example.org`;
  const listener = `listener-${uuidv7()}@example.org`;

  beforeAll(async () => {
    server = await startServer({
      dataDir: tempDir('coop-node-remote-'),
      port: 0,
      logLevel: 'silent',
      config: TEST_CONFIG,
    });
    await createUser(server.ctx, { email: admin, password, role: 'admin' });
    t = openApp(tempDir('coop-node-remote-app-'), server.url);
  });
  afterAll(async () => {
    await t?.app.close();
    await server?.close();
  });

  it('shows a listener only what a listener may do, and has no local admin to claim', async () => {
    await t.call('account.signUp', { email: listener, password });
    const status = await t.call('node.status');
    expect(status).toMatchObject({ bundled: false, role: 'listener', canClaimAdmin: false, hasAdmin: null });
    expect(status.actions).toEqual({
      importFolder: false,
      grantCredits: false,
      makeVouchers: false,
      rightsholders: false,
      redeemVoucher: true,
      publish: false,
    });
    expect(failed(await t.app.dispatch('node.claimAdmin', {})).code).toBe('forbidden');
    // The server itself has no such route: only the bundled node has a local admin.
    const answer = await fetch(`${server.url}/v1/local-admin`);
    expect(answer.status).toBe(404);
    await t.call('account.signOut');
  });

  it("shows an admin the admin actions except importing a folder (the server can't read this machine's folders)", async () => {
    await t.call('account.signIn', { email: admin, password });
    const status = await t.call('node.status');
    expect(status.actions).toEqual({
      importFolder: false,
      grantCredits: true,
      makeVouchers: true,
      rightsholders: true,
      redeemVoucher: true,
      publish: true,
    });
    const refused = failed(
      await t.app.dispatch('node.importRelease', { folder: makeAudioFolder([2]), artist: 'Far Away' }),
    );
    expect(refused.code).toBe('forbidden');
    expect(refused.message).toMatch(/app's own co-op node only/);
    expect(await t.call('node.grantCredits', { email: listener, amountThousandths: 1500 })).toMatchObject({
      email: listener,
      balanceThousandths: 1500,
    });
  });
});
