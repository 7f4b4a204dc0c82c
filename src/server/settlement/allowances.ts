import type { ServerContext } from '../context';
import { inTransaction, lockWallet, type Tx } from '../db/transaction';
import type { Selectable } from 'kysely';
import type { WalletsTable } from '../db/schema';

/**
 * Offline allowances: part of a listener's balance reserved for one device,
 * which that device may spend while offline knowing the server will honour
 * it. The sum of a listener's allowances is kept in `wallets.reserved`, and
 * the database refuses `reserved > balance`, so the allowances together never
 * exceed the balance. A device's receipts spend its own allowance first,
 * then unreserved balance; never another device's allowance.
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
export function renewedAllowance(wallet: Pick<Wallet, 'balance' | 'reserved'>, current: number, target: number): number {
  const free = wallet.balance - wallet.reserved;
  const next = current >= target ? target : Math.min(target, current + free);
  wallet.reserved += next - current;
  if (wallet.reserved < 0 || wallet.reserved > wallet.balance) throw new Error('allowance invariant broken');
  return next;
}

/** Renews one device's allowance inside the caller's transaction (wallet row already locked). */
export async function renewDeviceAllowance(ctx: ServerContext, tx: Tx, wallet: Wallet, deviceId: string): Promise<number> {
  const device = await tx.selectFrom('devices').select(['allowance', 'revoked_at', 'user_id']).where('id', '=', deviceId).executeTakeFirst();
  if (!device || device.user_id !== wallet.user_id || device.revoked_at !== null) return 0;
  const next = renewedAllowance(wallet, device.allowance, ctx.config.deviceAllowanceThousandths);
  if (next !== device.allowance) {
    await tx.updateTable('devices').set({ allowance: next }).where('id', '=', deviceId).execute();
    await tx.updateTable('wallets').set({ reserved: wallet.reserved }).where('user_id', '=', wallet.user_id).execute();
  }
  return next;
}

/** Gives a device's allowance back to the wallet, and optionally revokes the device. */
export async function releaseAllowance(ctx: ServerContext, userId: string, deviceId: string, options: { revoke: boolean }): Promise<void> {
  await inTransaction(ctx.store, async (tx) => {
    const wallet = await lockWallet(ctx.store, tx, userId);
    const device = await tx.selectFrom('devices').select(['allowance', 'revoked_at']).where('id', '=', deviceId).where('user_id', '=', userId).executeTakeFirstOrThrow();
    if (device.allowance > 0) {
      await tx.updateTable('wallets').set({ reserved: wallet.reserved - device.allowance, version: wallet.version + 1 }).where('user_id', '=', userId).execute();
    }
    await tx
      .updateTable('devices')
      .set({ allowance: 0, ...(options.revoke && device.revoked_at === null ? { revoked_at: ctx.clock.nowMs() } : {}) })
      .where('id', '=', deviceId)
      .execute();
  });
}
