import { splitCharge, TEN_THOUSANDTHS_PER_THOUSANDTH } from '../../shared/pricing';
import type { AccountType, NewLedgerEntry, TransferKind } from '../db/schema';
import type { Tx } from '../db/transaction';

/**
 * The double-entry ledger. Every movement of money is a transfer with two or
 * more entries that sum to exactly zero, in ten-thousandths of a credit.
 * Accounts: each listener's wallet, each artist's earnings, the co-op, and
 * "issuance" (where granted and voucher credits come from; it goes negative
 * by exactly the credits in circulation). Entries are never updated or
 * deleted (database triggers refuse it).
 */
export interface Posting {
  account_type: AccountType;
  account_id: string;
  amount: number;
  track_id: string | null;
}

export interface NewTransfer {
  id: string;
  kind: TransferKind;
  user_id: string;
  receipt_id: string | null;
  request_id: string | null;
  note: string | null;
  created_at: number;
  /** The listener's settlement sequence number (purchases, play charges); absent: null. */
  settle_seq?: number | null;
  postings: Posting[];
}

/** A charge of `priceThousandths` to a listener for a track: debit = artist 70 % + co-op 30 %. */
export function chargePostings(
  userId: string,
  artistId: string,
  trackId: string,
  priceThousandths: number,
): Posting[] {
  const { artistTenThousandths, coopTenThousandths } = splitCharge(priceThousandths);
  return [
    {
      account_type: 'listener',
      account_id: userId,
      amount: -priceThousandths * TEN_THOUSANDTHS_PER_THOUSANDTH,
      track_id: trackId,
    },
    { account_type: 'artist', account_id: artistId, amount: artistTenThousandths, track_id: trackId },
    { account_type: 'coop', account_id: '', amount: coopTenThousandths, track_id: trackId },
  ];
}

/** Credits issued to a listener (grant or voucher). */
export function topUpPostings(userId: string, thousandths: number): Posting[] {
  const amount = thousandths * TEN_THOUSANDTHS_PER_THOUSANDTH;
  return [
    { account_type: 'listener', account_id: userId, amount, track_id: null },
    { account_type: 'issuance', account_id: '', amount: -amount, track_id: null },
  ];
}

/** A credit grant taken back (credits/reverse-grant.ts): the grant's postings negated, back to "issuance". */
export function grantReversalPostings(userId: string, thousandths: number): Posting[] {
  const amount = thousandths * TEN_THOUSANDTHS_PER_THOUSANDTH;
  return [
    { account_type: 'listener', account_id: userId, amount: -amount, track_id: null },
    { account_type: 'issuance', account_id: '', amount, track_id: null },
  ];
}

function assertBalanced(transfer: NewTransfer): void {
  const sum = transfer.postings.reduce((total, p) => total + p.amount, 0);
  if (
    sum !== 0 ||
    transfer.postings.length < 2 ||
    transfer.postings.some((p) => !Number.isSafeInteger(p.amount) || p.amount === 0)
  ) {
    throw new Error(`ledger invariant broken: transfer ${transfer.id} does not balance (${sum})`);
  }
}

/** Appends transfers and their entries, many at once (one INSERT each for speed). */
export async function appendTransfers(tx: Tx, transfers: NewTransfer[]): Promise<void> {
  if (!transfers.length) return;
  const entries: NewLedgerEntry[] = [];
  for (const t of transfers) {
    assertBalanced(t);
    for (const p of t.postings) entries.push({ ...p, transfer_id: t.id, created_at: t.created_at });
  }
  // Chunked to stay under SQLite's bound-parameter limit on very large batches.
  for (let i = 0; i < transfers.length; i += 1000) {
    await tx
      .insertInto('transfers')
      .values(
        transfers
          .slice(i, i + 1000)
          .map(({ postings: _postings, settle_seq, ...row }) => ({ ...row, settle_seq: settle_seq ?? null })),
      )
      .execute();
  }
  for (let i = 0; i < entries.length; i += 1000) {
    await tx
      .insertInto('ledger_entries')
      .values(entries.slice(i, i + 1000))
      .execute();
  }
}
