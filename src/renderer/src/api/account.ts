import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { CallName } from '../../../shared/contract';
import { ApiError } from './client';
import { useEvent } from './queries';

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
 * Keeps the cached account and sync answers in step with the main process's
 * events. Mounted once (in the header): the main process pushes
 * `sync.status`, `account.changed` and `sync.correction`.
 */
export function useSyncEvents(): void {
  const client = useQueryClient();
  const invalidateWallet = () => {
    for (const key of WALLET_QUERIES) void client.invalidateQueries({ queryKey: [key] });
  };
  useEvent('sync.status', (status) => {
    const previous = client.getQueryData<{ state: string; lastSyncAtMs: number | null }>(['sync.status', {}]);
    client.setQueryData(['sync.status', {}], status);
    // A finished sync may bring catalog, counts, ownership and balance.
    if (previous && status.lastSyncAtMs !== previous.lastSyncAtMs) invalidateWallet();
  });
  useEvent('account.changed', (account) => {
    client.setQueryData(['account.status', {}], account);
    invalidateWallet();
  });
  useEvent('sync.correction', () => {
    void client.invalidateQueries({ queryKey: ['sync.corrections'] });
    void client.invalidateQueries({ queryKey: ['sync.status'] });
  });
}

/** The current time, refreshed every `everyMs` (for "synced 2 minutes ago"). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** "2 minutes ago", "just now" (`Intl.RelativeTimeFormat`, in the UI language). */
export function relativeTime(atMs: number, nowMs: number, locale: string): string {
  const diff = atMs - nowMs;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (Math.abs(diff) < 10_000) return rtf.format(0, 'second');
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'second') return rtf.format(Math.round(diff / ms), unit);
  }
  return rtf.format(0, 'second');
}

/** The error code of a failed call (`unavailable`, `forbidden`, ...), or `other`. */
export function errorCode(error: unknown): string {
  return error instanceof ApiError ? error.code : 'other';
}
