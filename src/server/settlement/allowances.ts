import type { Selectable } from 'kysely';
import { assert } from '../../shared/assert';
import type { ServerContext } from '../context';
import type { WalletsTable } from '../db/schema';
import { inTransaction, lockWallet, type Tx } from '../db/transaction';

/**
 * Offline allowances: part of a listener's balance reserved for one device,
 * which that device may spend while offline knowing the server will honour
 * it. The sum of a listener's allowances is kept in `wallets.reserved`, and
 * the database refuses `reserved > balance`, so the allowances together never
 * exceed the balance. A device's receipts spend its own allowance first,
 * then unreserved balance; never another device's allowance.
 *
 * Revoking a device, or the device releasing its allowance itself, does not
 * give the allowance back at once (the device may have played offline
 * against it): it is frozen — still reserved, never renewed — until the
 * device's receipts are in (a release states the last seq it counted) or the
 * receipt age limit has passed since (`frozen_until`); then it goes back to
 * the wallet the next time the wallet is locked.
 */
export type Wallet = Selectable<WalletsTable>;

/** What a play from this device may spend: unreserved balance plus the device's own allowance. */
export function spendable(wallet: Pick<Wallet, 'balance' | 'reserved'>, deviceAllowance: number): number {
  return wallet.balance - wallet.reserved + deviceAllowance;
}

/**
 * Tops the device's allowance up to the configured amount out of the
 * unreserved balance (or trims it down if the setting shrank). Mutates
 * `wallet` and answers the new allowance; the caller writes both rows.
 */
export function renewedAllowance(
  wallet: Pick<Wallet, 'balance' | 'reserved'>,
  current: number,
  target: number,
): number {
  const free = wallet.balance - wallet.reserved;
  const next = current >= target ? target : Math.min(target, current + free);
  wallet.reserved += next - current;
  assert(wallet.reserved >= 0 && wallet.reserved <= wallet.balance, 'allowance: 0 ≤ reserved ≤ balance');
  return next;
}

interface FreezableDevice {
  allowance: number;
  frozen_until: number | null;
}

/** Gives a frozen allowance back to the wallet (mutates both; the caller writes them). */
export function unfreezeAllowance(
  wallet: Pick<Wallet, 'balance' | 'reserved'>,
  device: FreezableDevice,
): void {
  wallet.reserved -= device.allowance;
  device.allowance = 0;
  device.frozen_until = null;
  assert(wallet.reserved >= 0, 'unfreezing never takes reserved below zero');
}

/** Returns the frozen allowances of the listener whose time is up (wallet row already locked). */
export async function expireFrozenAllowances(tx: Tx, wallet: Wallet, now: number): Promise<boolean> {
  const expired = await tx
    .selectFrom('devices')
    .select(['id', 'allowance', 'frozen_until'])
    .where('user_id', '=', wallet.user_id)
    .where('frozen_until', 'is not', null)
    .where('frozen_until', '<=', now)
    .execute();
  if (!expired.length) return false;
  for (const device of expired) {
    unfreezeAllowance(wallet, device);
    await tx
      .updateTable('devices')
      .set({ allowance: 0, frozen_until: null })
      .where('id', '=', device.id)
      .execute();
  }
  wallet.version += 1;
  await tx
    .updateTable('wallets')
    .set({ reserved: wallet.reserved, version: wallet.version })
    .where('user_id', '=', wallet.user_id)
    .execute();
  return true;
}

/**
 * Renews one device's allowance inside the caller's transaction (wallet row
 * already locked), after expiring frozen allowances. A device that released
 * its allowance and pulls again is back: its release ends and it is renewed
 * (its frozen remainder becomes its live allowance again). A revoked device gets nothing.
 */
export async function renewDeviceAllowance(
  ctx: ServerContext,
  tx: Tx,
  wallet: Wallet,
  deviceId: string,
): Promise<number> {
  await expireFrozenAllowances(tx, wallet, ctx.clock.nowMs());
  const device = await tx
    .selectFrom('devices')
    .select(['allowance', 'revoked_at', 'user_id', 'release_seq'])
    .where('id', '=', deviceId)
    .executeTakeFirst();
  if (!device || device.user_id !== wallet.user_id || device.revoked_at !== null) return 0;
  const next = renewedAllowance(wallet, device.allowance, ctx.config.deviceAllowanceThousandths);
  if (next !== device.allowance || device.release_seq !== null) {
    await tx
      .updateTable('devices')
      .set({ allowance: next, frozen_until: null, release_seq: null })
      .where('id', '=', deviceId)
      .execute();
    await tx
      .updateTable('wallets')
      .set({ reserved: wallet.reserved })
      .where('user_id', '=', wallet.user_id)
      .execute();
  }
  return next;
}

/** Revokes a device: its receipts counted from now on are refused; its allowance stays frozen for those counted before. */
export async function revokeDevice(ctx: ServerContext, userId: string, deviceId: string): Promise<void> {
  await inTransaction(ctx.store, async (tx) => {
    const wallet = { ...(await lockWallet(ctx.store, tx, userId)) };
    const now = ctx.clock.nowMs();
    await expireFrozenAllowances(tx, wallet, now);
    const device = await tx
      .selectFrom('devices')
      .select(['allowance', 'revoked_at'])
      .where('id', '=', deviceId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (device.revoked_at !== null) return;
    // Frozen until the receipt age limit has passed after the revocation: older receipts are unusual but still settled.
    const frozenUntil = device.allowance > 0 ? now + ctx.config.receiptMaxAgeMs : null;
    await tx
      .updateTable('devices')
      .set({ revoked_at: now, frozen_until: frozenUntil })
      .where('id', '=', deviceId)
      .execute();
  });
}

/**
 * The device itself gives its allowance back (e.g. on sign-out), stating the
 * highest seq it counted: returned now if every receipt up to it is in, else
 * frozen until they are (or the age limit passes). The caller has checked the
 * device's signature over the statement.
 */
export async function releaseOwnAllowance(
  ctx: ServerContext,
  userId: string,
  deviceId: string,
  lastSeq: number,
): Promise<void> {
  await inTransaction(ctx.store, async (tx) => {
    const wallet = { ...(await lockWallet(ctx.store, tx, userId)) };
    const now = ctx.clock.nowMs();
    await expireFrozenAllowances(tx, wallet, now);
    const device = await tx
      .selectFrom('devices')
      .select(['allowance', 'revoked_at', 'frozen_until'])
      .where('id', '=', deviceId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (device.revoked_at !== null) return; // already frozen by the revocation
    const arrived = await tx
      .selectFrom('plays')
      .select((eb) => eb.fn.count<number>('seq').distinct().as('n'))
      .where('device_id', '=', deviceId)
      .where('seq', '<=', lastSeq)
      .executeTakeFirst();
    const complete = Number(arrived?.n ?? 0) >= lastSeq;
    if (complete || device.allowance === 0) {
      if (device.allowance > 0) {
        wallet.reserved -= device.allowance;
        wallet.version += 1;
        await tx
          .updateTable('wallets')
          .set({ reserved: wallet.reserved, version: wallet.version })
          .where('user_id', '=', userId)
          .execute();
      }
      await tx
        .updateTable('devices')
        .set({ allowance: 0, frozen_until: null, release_seq: lastSeq })
        .where('id', '=', deviceId)
        .execute();
      return;
    }
    await tx
      .updateTable('devices')
      .set({ frozen_until: now + ctx.config.receiptMaxAgeMs, release_seq: lastSeq })
      .where('id', '=', deviceId)
      .execute();
  });
}
