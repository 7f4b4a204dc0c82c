import type { QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { CallName } from '../../../shared/contract';
import type { AccountStatus } from '../../../shared/contract/sync';
import { usePlayer } from '../player/store';
import { ApiError } from './client';

/** Queries whose answers change when the account, the sync state or the wallet changes. */
export const WALLET_QUERIES: CallName[] = [
  'wallet.get',
  'coop.tracks',
  'wallet.collection',
  'wallet.history',
  'wallet.ledger',
  'wallet.membership',
  'downloads.status',
  'coop.trackDetails',
];

/**
 * Calls whose answers belong to the signed-in account (and its server): the
 * wallet, the co-op catalog and its downloads, the sync state, the artist's
 * releases and earnings. Local library answers are the device's, not here.
 */
const ACCOUNT_SCOPED = ['wallet.', 'coop.', 'downloads.', 'sync.', 'artist.', 'release.', 'player.'];

export function isAccountScoped(key: unknown): boolean {
  return typeof key === 'string' && ACCOUNT_SCOPED.some((prefix) => key.startsWith(prefix));
}

/** Who the answers are for: the same user on the same server. */
function identity(a: Partial<AccountStatus> | undefined): string {
  return a ? `${a.signedIn ? (a.userId ?? a.email ?? '') : ''}@${a.serverUrl ?? ''}` : '';
}

/**
 * A new account status: sign in, sign out, another account or another server.
 * When the account changed, every account-scoped answer is dropped (reset, not
 * just marked stale), so no view shows the previous account's Spendable,
 * History or Ledger while the new answers load; the player forgets a preview
 * prompt meant for the previous account.
 */
export function applyAccountStatus(client: QueryClient, next: AccountStatus): void {
  const previous = client.getQueryData<AccountStatus>(['account.status', {}]);
  client.setQueryData(['account.status', {}], next);
  const changed = !previous || identity(previous) !== identity(next);
  if (changed) {
    void client.resetQueries({ predicate: (q) => isAccountScoped(q.queryKey[0]) });
    usePlayer.getState().dismissPreview();
  } else {
    for (const key of [...WALLET_QUERIES, 'sync.status']) void client.invalidateQueries({ queryKey: [key] });
  }
}

/**
 * The current time for relative times ("synced 2 minutes ago"), read again
 * every `everyMs`. An answer newer than it (a sync that just finished) reads
 * as "just now" (`relativeTime` never uses the future tense).
 */
export function useNow(everyMs = 10_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** The error code of a failed call (`unavailable`, `forbidden`, ...), or `other`. */
export function errorCode(error: unknown): string {
  return error instanceof ApiError ? error.code : 'other';
}
