import { expect } from '@playwright/test';
import { v7 as uuidv7 } from 'uuid';
import { generateEd25519KeyPair } from '../../../src/node/ed25519';
import { signPlayReceipt } from '../../../src/node/receipt-signing';
import { ServerApi } from './coop-server';

export interface CatalogTrack {
  id: string;
  title: string;
  durationMs: number;
}

/** A listener on another device, straight on the server's API: signed up, granted credits, a device key registered. */
export interface ListenerDevice {
  api: ServerApi;
  /** The catalog's tracks (`query`: e.g. `?q=tidal`). */
  catalog(query?: string): Promise<CatalogTrack[]>;
  /** Sends one signed receipt per play (each heard 45 s, or the whole of a shorter track); answers the results. */
  settle(plays: CatalogTrack[]): Promise<{ status: string; priceThousandths: number }[]>;
}

export async function listenerDevice(
  serverUrl: string,
  admin: ServerApi,
  creditsThousandths = 5000,
): Promise<ListenerDevice> {
  const api = new ServerApi(serverUrl);
  const signedUp = await api.post<{ token: string; user: { id: string } }>('/v1/auth/sign-up', {
    email: `fan-${Date.now()}@example.org`,
    password: 'listener password',
  });
  api.token = signedUp.body.token;
  await admin.post('/v1/admin/grants', {
    userId: signedUp.body.user.id,
    amountThousandths: creditsThousandths,
  });
  const keys = generateEd25519KeyPair();
  const deviceId = uuidv7();
  expect(
    (await api.post('/v1/devices', { id: deviceId, name: 'fan phone', publicKey: keys.publicKey })).status,
  ).toBe(201);
  let seq = 0;
  const receipt = (track: CatalogTrack) => {
    const now = Date.now();
    return signPlayReceipt(
      {
        v: 1,
        id: uuidv7(),
        deviceId,
        seq: ++seq,
        trackId: track.id,
        sessionStartedAt: new Date(now - 60_000).toISOString(),
        countedAt: new Date(now).toISOString(),
        heardMs: Math.min(45_000, track.durationMs),
        durationMs: track.durationMs,
        estimatedPriceThousandths: 0,
      },
      keys.privateKey,
    );
  };
  return {
    api,
    catalog: async (query = '') =>
      (await api.get<{ tracks: CatalogTrack[] }>(`/v1/catalog/tracks${query}`)).body.tracks,
    settle: async (plays) =>
      (
        await api.post<{ results: { status: string; priceThousandths: number }[] }>('/v1/receipts', {
          deviceId,
          receipts: plays.map(receipt),
        })
      ).body.results,
  };
}
