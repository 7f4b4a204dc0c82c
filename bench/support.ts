import { v7 as uuidv7 } from 'uuid';
import { generateEd25519KeyPair } from '../src/node/ed25519';
import { signPlayReceipt } from '../src/node/receipt-signing';
import type { SignedPlayReceipt } from '../src/shared/receipt';
import { createUser } from '../src/server/accounts/users';
import { createRelease, findOrCreateArtist } from '../src/server/catalog/store';
import type { ServerContext } from '../src/server/context';
import { grantCredits } from '../src/server/credits/top-up';

/** The server benchmarks' fixture: a release, listeners with devices, their signed receipts. */

/** One release of `count` paid 200 s tracks (no audio); answers the track ids. */
export async function benchRelease(ctx: ServerContext, count: number): Promise<string[]> {
  return ctx.store.db.transaction().execute(async (tx) => {
    const artistId = await findOrCreateArtist(ctx, tx, 'Bench Artist');
    const tracks = Array.from({ length: count }, (_, i) => ({
      title: `T${i}`,
      trackNumber: i + 1,
      durationMs: 200_000,
      status: 'paid' as const,
      audioPath: null,
      audioMime: null,
    }));
    return (await createRelease(ctx, tx, artistId, 'Bench Release', tracks)).trackIds;
  });
}

export interface BenchListener {
  userId: string;
  deviceId: string;
  privateKey: string;
}

/** A listener with plenty of credits and one registered device (its key made here). */
export async function benchListener(ctx: ServerContext, now: number): Promise<BenchListener> {
  const user = await createUser(ctx, {
    email: `bench-${uuidv7()}@example.org`,
    password: 'bench password',
    role: 'listener',
  });
  await grantCredits(ctx, user.id, 100_000_000, 'bench');
  const keys = generateEd25519KeyPair();
  const deviceId = uuidv7();
  await ctx.store.db
    .insertInto('devices')
    .values({
      id: deviceId,
      user_id: user.id,
      name: 'bench',
      public_key: keys.publicKey,
      created_at: now,
      revoked_at: null,
      last_seq: 0,
      allowance: 0,
    })
    .execute();
  return { userId: user.id, deviceId, privateKey: keys.privateKey };
}

/**
 * `count` paid plays by listener number `l` of its device, 100 ms apart from an hour before
 * `now`, spread over `trackIds` (listeners start on different tracks), in seq order.
 */
export function benchReceipts(
  listener: BenchListener,
  l: number,
  count: number,
  trackIds: string[],
  now: number,
): SignedPlayReceipt[] {
  return Array.from({ length: count }, (_, i) => {
    const at = now - 3_600_000 + i * 100;
    return signPlayReceipt(
      {
        v: 1,
        id: uuidv7(),
        deviceId: listener.deviceId,
        seq: i + 1,
        trackId: trackIds[(i * 7 + l) % trackIds.length]!,
        sessionStartedAt: new Date(at - 50_000).toISOString(),
        countedAt: new Date(at).toISOString(),
        heardMs: 45_000,
        durationMs: 200_000,
        estimatedPriceThousandths: 0,
      },
      listener.privateKey,
    );
  });
}

/** The list cut in consecutive batches of `size` (the last may be shorter). */
export function inBatches<T>(list: T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < list.length; i += size) batches.push(list.slice(i, i + size));
  return batches;
}
