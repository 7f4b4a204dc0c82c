import { notFound } from '../http/errors';
import type { ServerContext } from '../context';

/** A device as the devices routes answer it: its allowance and the seq gaps the server has seen. */
export type DeviceView = Awaited<ReturnType<typeof listDevices>>[number];

/** Another user's device answers exactly like a missing one: no probing for ids. */
export async function requireOwnDevice(
  ctx: ServerContext,
  userId: string,
  deviceId: string,
): Promise<{ public_key: string }> {
  const device = await ctx.store.db
    .selectFrom('devices')
    .select(['user_id', 'public_key'])
    .where('id', '=', deviceId)
    .executeTakeFirst();
  if (!device || device.user_id !== userId) throw notFound('device');
  return device;
}

/** The user's devices, oldest first, each with its seq gaps. */
export async function listDevices(ctx: ServerContext, userId: string) {
  const { db } = ctx.store;
  const rows = await db
    .selectFrom('devices')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  const gaps = rows.length
    ? await db
        .selectFrom('seq_gaps')
        .selectAll()
        .where(
          'device_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('from_seq')
        .execute()
    : [];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    publicKey: r.public_key,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastSeq: r.last_seq,
    allowanceThousandths: r.allowance,
    allowanceFrozenUntil: r.frozen_until,
    seqGaps: gaps
      .filter((g) => g.device_id === r.id)
      .map((g) => ({ fromSeq: g.from_seq, toSeq: g.to_seq, detectedAt: g.detected_at })),
  }));
}

/** One device of the user, as listed. */
export async function deviceView(
  ctx: ServerContext,
  userId: string,
  deviceId: string,
): Promise<DeviceView | undefined> {
  return (await listDevices(ctx, userId)).find((d) => d.id === deviceId);
}
