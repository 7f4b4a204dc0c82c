import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type BuiltServer } from '../../../src/server/app';
import { createUser } from '../../../src/server/accounts/users';
import { generateEd25519KeyPair } from '../../../src/node/ed25519';
import { signPlayReceipt } from '../../../src/node/receipt-signing';
import {
  SyncApiClient,
  SyncApiError,
  type FetchLike,
  type SettledResult,
} from '../../../src/main/services/sync/api-client';
import { accounts, catalog, credits, impliedErrors, meta } from '../../../src/shared/server-api';

/**
 * The app's real client (`SyncApiClient`, every call through its shared
 * spec) against a real listening server: what the app does from sign-up to
 * sign-out, each answer parsed by its spec's answer schema. Then the two
 * ways a server can let the client down: an answer of the wrong shape and a
 * 5xx.
 */

const TEST_CONFIG = {
  passwordHashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
  signatureWorkers: 0,
};
const PASSWORD = 'correct horse battery';

interface SentRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: RequestInit['body'];
}

/** The real network, with every request the client sends written down. */
function recordingFetch(sent: SentRequest[]): FetchLike {
  return (url, init) => {
    sent.push({
      url,
      method: init.method ?? 'GET',
      headers: { ...(init.headers as Record<string, string>) },
      body: init.body,
    });
    return fetch(url, init);
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<SyncApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof SyncApiError)) throw new Error(`expected a SyncApiError, got ${String(error)}`);
  return error;
}

/** A paid track of 200 s on a new release, made by a new admin through the admin routes; and the admin's client. */
async function adminWithPaidTrack(server: BuiltServer, baseUrl: string) {
  const email = `admin-${uuidv7()}@example.org`;
  await createUser(server.ctx, { email, password: PASSWORD, role: 'admin' });
  const admin = new SyncApiClient({ baseUrl });
  admin.token = (await admin.signIn(email, PASSWORD)).token;
  const artist = await admin.request(catalog.createArtist, { body: { name: 'Contract Artist' } });
  const release = await admin.request(catalog.createReleaseFromJson, {
    body: {
      artistId: artist.id,
      title: 'Contract Release',
      tracks: [{ title: 'Paid One', durationMs: 200_000 }],
    },
  });
  return { admin, artist, trackId: release.trackIds[0]! };
}

/** A receipt of 45 s heard of a 200 s track, counted a second ago, signed with the device's key. */
function heardReceipt(device: { id: string; privateKey: string }, trackId: string, seq: number) {
  const countedAt = Date.now() - 1000;
  return signPlayReceipt(
    {
      v: 1,
      id: uuidv7(),
      deviceId: device.id,
      seq,
      trackId,
      sessionStartedAt: new Date(countedAt - 46_000).toISOString(),
      countedAt: new Date(countedAt).toISOString(),
      heardMs: 45_000,
      durationMs: 200_000,
      estimatedPriceThousandths: 0,
    },
    device.privateKey,
  );
}

describe('the app’s client against a listening server', () => {
  let dataDir: string;
  let server: BuiltServer;
  let baseUrl: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'resonate-client-'));
    server = await buildServer({ dataDir, logLevel: 'silent', config: TEST_CONFIG });
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const address = server.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the server does not listen on a port');
    baseUrl = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs up, signs in, registers a device, pulls, settles a paid play and signs out', async () => {
    const sent: SentRequest[] = [];
    const client = new SyncApiClient({ baseUrl, fetch: recordingFetch(sent) });
    const email = `listener-${uuidv7()}@example.org`;

    const signedUp = await client.signUp(email, PASSWORD);
    expect(signedUp.user).toMatchObject({ email, role: 'listener', artists: [] });
    const session = await client.signIn(email, PASSWORD);
    expect(session.user.id).toBe(signedUp.user.id);
    expect(session.token).not.toBe(signedUp.token);
    client.token = session.token;
    expect((await client.me()).email).toBe(email);

    const keys = generateEd25519KeyPair();
    const device = { id: uuidv7(), privateKey: keys.privateKey };
    expect(await client.registerDevice({ id: device.id, name: 'laptop', publicKey: keys.publicKey })).toBe(
      'created',
    );
    expect(await client.registerDevice({ id: device.id, name: 'laptop', publicKey: keys.publicKey })).toBe(
      'exists',
    );
    expect((await client.listDevices()).devices).toEqual([
      expect.objectContaining({ id: device.id, publicKey: keys.publicKey, revokedAt: null }),
    ]);

    const empty = await client.pull(device.id, null);
    expect(empty.wallet.balanceThousandths).toBe(0);
    expect(empty.playCounts).toEqual([]);
    expect(empty.catalog).toEqual({ tracks: [], complete: true });
    expect(empty.deviceRevoked).toBe(false);

    const { admin, artist, trackId } = await adminWithPaidTrack(server, baseUrl);
    const grant = await admin.request(credits.grantCredits, {
      body: { userId: session.user.id, amountThousandths: 10_000, idempotencyKey: `grant-${uuidv7()}` },
    });
    expect(grant).toMatchObject({ balanceThousandths: 10_000, duplicate: false });

    const granted = await client.pull(device.id, empty.cursor);
    expect(granted.wallet.balanceThousandths).toBe(10_000);
    expect(granted.catalog.tracks).toEqual([
      expect.objectContaining({
        id: trackId,
        title: 'Paid One',
        status: 'paid',
        artistName: artist.name,
        published: true,
      }),
    ]);

    const receipt = heardReceipt(device, trackId, 1);
    const posted = await client.pushReceipts(device.id, [receipt]);
    expect(posted.results).toHaveLength(1);
    const settled = posted.results[0] as SettledResult;
    expect(settled).toMatchObject({
      id: receipt.receipt.id,
      status: 'settled',
      outcome: 'paid',
      playIndex: 1,
    });
    expect(settled.priceThousandths).toBeGreaterThan(0);
    expect(posted.wallet.balanceThousandths).toBe(10_000 - settled.priceThousandths);

    const again = await client.pushReceipts(device.id, [receipt]);
    expect(again.results[0]).toMatchObject({ status: 'settled', duplicate: true });
    expect(again.wallet.balanceThousandths).toBe(10_000 - settled.priceThousandths);

    const played = await client.pull(device.id, granted.cursor);
    expect(played.playCounts).toEqual([
      expect.objectContaining({
        trackId,
        paidPlays: 1,
        paidThousandths: settled.priceThousandths,
        owned: false,
      }),
    ]);

    await client.signOut();
    const signOut = sent.at(-1)!;
    expect(signOut).toMatchObject({ url: `${baseUrl}${accounts.signOut.path}`, method: 'POST' });
    expect(signOut.body).toBeUndefined();
    expect(signOut.headers).not.toHaveProperty('content-type');
    expect(signOut.headers.authorization).toBe(`Bearer ${session.token}`);

    const refused = await rejectionOf(client.me());
    expect(refused).toMatchObject({ kind: 'http', status: 401, code: 'unauthenticated', retryable: false });
    expect(impliedErrors(accounts.me)).toContain(refused.code);
    // The sign-up's session is a session of its own: signing out of one leaves the other.
    const other = new SyncApiClient({ baseUrl, token: signedUp.token });
    expect((await other.me()).email).toBe(email);
  });

  it('reports a server answer of the wrong shape as bad_response, naming what is wrong', async () => {
    const email = `shape-${uuidv7()}@example.org`;
    await new SyncApiClient({ baseUrl }).signUp(email, PASSWORD);
    // The real server's sign-in answer, its token cut below the spec's 16 characters.
    const cutToken: FetchLike = async (url, init) => {
      const answer = (await (await fetch(url, init)).json()) as { token: string };
      return Response.json({ ...answer, token: answer.token.slice(0, 8) }, { status: 200 });
    };
    const error = await rejectionOf(new SyncApiClient({ baseUrl, fetch: cutToken }).signIn(email, PASSWORD));
    expect(error).toMatchObject({ kind: 'bad_response', status: 200, retryable: true });
    expect(error.message).toContain('token');

    const notJson: FetchLike = async () => new Response('<html>proxy login</html>', { status: 200 });
    const health = new SyncApiClient({ baseUrl, fetch: notJson }).request(meta.health, {});
    expect(await rejectionOf(health)).toMatchObject({ kind: 'bad_response', retryable: true });
  });

  it('reports a 5xx as server_error, with the code the server gave', async () => {
    const unavailable: FetchLike = async () =>
      Response.json({ error: { code: 'store_unavailable', message: 'database down' } }, { status: 503 });
    const client = new SyncApiClient({ baseUrl, fetch: unavailable, token: 'any-token-of-16-chars' });
    const error = await rejectionOf(client.me());
    expect(error).toMatchObject({
      kind: 'server_error',
      status: 503,
      code: 'store_unavailable',
      retryable: true,
    });
  });
});
