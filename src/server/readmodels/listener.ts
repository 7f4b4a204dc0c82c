import type { ServerContext } from '../context';
import { toInt } from '../db/transaction';

/** Read models of one listener: wallet, ledger history, play counts, owned tracks. */
export async function walletView(ctx: ServerContext, userId: string) {
  const [wallet, devices] = await Promise.all([
    ctx.store.db.selectFrom('wallets').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow(),
    ctx.store.db
      .selectFrom('devices')
      .select(['id', 'allowance'])
      .where('user_id', '=', userId)
      .where('allowance', '>', 0)
      .execute(),
  ]);
  return {
    balanceThousandths: wallet.balance,
    reservedThousandths: wallet.reserved,
    availableThousandths: wallet.balance - wallet.reserved,
    allowances: devices.map((d) => ({ deviceId: d.id, allowanceThousandths: d.allowance })),
    version: wallet.version,
  };
}

/** The listener's own ledger entries, newest first, keyset-paged by entry id. */
export async function ledgerHistory(
  ctx: ServerContext,
  userId: string,
  before: number | undefined,
  limit: number,
) {
  let query = ctx.store.db
    .selectFrom('ledger_entries')
    .innerJoin('transfers', 'transfers.id', 'ledger_entries.transfer_id')
    .select([
      'ledger_entries.id',
      'ledger_entries.transfer_id',
      'transfers.kind',
      'transfers.receipt_id',
      'ledger_entries.amount',
      'ledger_entries.track_id',
      'ledger_entries.created_at',
    ])
    .where('ledger_entries.account_type', '=', 'listener')
    .where('ledger_entries.account_id', '=', userId)
    .orderBy('ledger_entries.id', 'desc')
    .limit(limit);
  if (before !== undefined) query = query.where('ledger_entries.id', '<', before);
  const rows = await query.execute();
  return {
    entries: rows.map((r) => ({
      id: toInt(r.id),
      transferId: r.transfer_id,
      kind: r.kind,
      receiptId: r.receipt_id,
      trackId: r.track_id,
      /** Thousandths, signed: + for top-ups, − for charges. */
      amountThousandths: r.amount / 10,
      createdAt: r.created_at,
    })),
    nextBefore: rows.length === limit ? toInt(rows.at(-1)!.id) : null,
  };
}

export async function playCounts(ctx: ServerContext, userId: string, sinceVersion = 0) {
  const rows = await ctx.store.db
    .selectFrom('listener_tracks')
    .selectAll()
    .where('user_id', '=', userId)
    .where('version', '>', sinceVersion)
    .orderBy('track_id')
    .execute();
  return rows.map((r) => ({
    trackId: r.track_id,
    paidPlays: r.paid_plays,
    totalPlays: r.total_plays,
    paidThousandths: r.paid_amount,
    owned: r.owned_at !== null,
    ownedAt: r.owned_at,
  }));
}
