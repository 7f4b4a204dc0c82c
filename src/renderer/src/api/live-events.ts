/**
 * Main-process events → the renderer's cache, in one table (`liveEvents`),
 * applied by `useLiveEvents`, mounted once in App.
 *
 * Each entry says what the event's payload does to cached answers: answers it
 * carries (`set`), reads it makes stale (`invalidate`, every input of a call
 * unless an input is given), and whether the account may have changed
 * (`refreshAccount`: ask `account.status` again, then `applyAccountStatus`).
 *
 * Left to the components and modules they drive (`'local'` below), as they
 * change no cached answer:
 * - `dj.exportProgress`: the export dialog's own progress bar (views/dj/ExportDialog.tsx);
 * - `artist.publishProgress`: the publish panel's progress (views/artist/usePublish.ts);
 * - `app.command`: menu and media-key commands for the player (player/commands.ts);
 * - `player.previewEnded`, and the player's own use of `player.playCounted`, `settings.changed`
 *   and `library.changed` (notices, ReplayGain, crossfade): the player engine (player/engine.ts).
 */
import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { CallName, EventName, EventPayload } from '../../../shared/contract';
import type { AccountStatus, SyncStatus } from '../../../shared/contract/sync';
import { WALLET_QUERIES, applyAccountStatus } from './account';
import { api } from './client';

/** What one event does to the cache. */
export interface CacheChange {
  /** Answers the event carries, written as they are: [query key, answer]. */
  set?: readonly (readonly [QueryKey, unknown])[];
  /** Reads made stale: `[call]` for every input, `[call, input]` for the inputs that include it. */
  invalidate?: readonly QueryKey[];
  /** A new account status: applied by `applyAccountStatus` (another account drops account-scoped answers). */
  account?: AccountStatus;
  /** The account may have changed: ask `account.status` again and apply it. */
  refreshAccount?: boolean;
}

/** Cached answers an entry may compare the payload with (the previous sync state). */
export type CacheReader = (key: QueryKey) => unknown;

type Rule<N extends EventName> = 'local' | ((payload: EventPayload<N>, cached: CacheReader) => CacheChange);

const every = (...names: CallName[]): QueryKey[] => names.map((name) => [name]);

/** Library answers a changed library (scan, watched folder, tags written, analysis) makes stale. */
export const LIBRARY_CHANGED: CallName[] = [
  'library.tracks',
  'library.albums',
  'library.album',
  'library.artists',
  'library.artist',
  'library.problems',
  'library.folders',
  'library.search',
  // The DJ collection shows library tracks too.
  'dj.query',
];

function syncStatusChange(status: SyncStatus, cached: CacheReader): CacheChange {
  const previous = cached(['sync.status', {}]) as SyncStatus | undefined;
  return {
    set: [[['sync.status', {}], status]],
    // A finished sync may bring catalog, counts, ownership and balance.
    invalidate: previous && status.lastSyncAtMs !== previous.lastSyncAtMs ? every(...WALLET_QUERIES) : [],
    // Signed in or out elsewhere (another server in Settings, an expired session): ask again.
    refreshAccount: !!previous && (previous.state === 'signed_out') !== (status.state === 'signed_out'),
  };
}

/** Every event of the contract, and what it does to the cache. */
export const liveEvents: { [N in EventName]: Rule<N> } = {
  'app.command': 'local',
  'settings.changed': (settings) => ({
    set: [[['settings.get', {}], settings]],
    // The account is the server's: another sync server in Settings is another account (or none).
    refreshAccount: true,
  }),
  'library.scanProgress': (status) => ({ set: [[['library.scanStatus', {}], status]] }),
  'library.watchState': (state) => ({ set: [[['library.watchState', {}], state]] }),
  'library.changed': () => ({ invalidate: every(...LIBRARY_CHANGED) }),
  'library.analysisProgress': (status) => ({
    set: [[['library.analysisStatus', {}], status]],
    // Measured BPM and key show in the DJ views.
    invalidate: status.state === 'idle' && status.last ? every('dj.query', 'dj.listItems') : [],
  }),
  'release.analysisProgress': ({ draftId }) => ({
    invalidate: [
      ['release.draft', { draftId }],
      ['release.checks', { draftId }],
    ],
  }),
  'dj.listsChanged': () => ({ invalidate: every('dj.lists', 'dj.listItems') }),
  'dj.exportProgress': 'local',
  'artist.publishProgress': 'local',
  'player.playCounted': (counted) => ({
    set: counted.wallet ? [[['wallet.get', {}], counted.wallet]] : [],
    invalidate: every('coop.tracks', 'wallet.history', 'wallet.collection'),
  }),
  'player.previewEnded': 'local',
  'wallet.changed': (wallet) => ({ set: [[['wallet.get', {}], wallet]] }),
  'sync.status': syncStatusChange,
  'sync.correction': () => ({ invalidate: every('sync.corrections', 'sync.status') }),
  'account.changed': (account) => ({ account }),
  'tlog.changed': (status) => ({
    set: [[['tlog.status', {}], status]],
    // History shows each play's state in the log.
    invalidate: every('tlog.plays'),
  }),
};

/** What `name` with `payload` does to the cache (nothing for a local event). */
export function cacheChangeFor<N extends EventName>(
  client: QueryClient,
  name: N,
  payload: EventPayload<N>,
): CacheChange {
  const rule = liveEvents[name] as Rule<N>;
  return rule === 'local' ? {} : rule(payload, (key) => client.getQueryData(key));
}

/** Applies one change; `fetchAccount` asks the main process for the account status. */
export function applyCacheChange(
  client: QueryClient,
  change: CacheChange,
  fetchAccount: () => Promise<AccountStatus>,
): void {
  for (const [key, value] of change.set ?? []) client.setQueryData(key, value);
  for (const key of change.invalidate ?? []) void client.invalidateQueries({ queryKey: key });
  if (change.account) applyAccountStatus(client, change.account);
  if (change.refreshAccount) {
    void fetchAccount()
      .then((account) => applyAccountStatus(client, account))
      .catch(() => undefined);
  }
}

/** Handles a pushed event as the table says. */
export function handleLiveEvent<N extends EventName>(
  client: QueryClient,
  name: N,
  payload: EventPayload<N>,
  fetchAccount: () => Promise<AccountStatus> = () => api.call('account.status', {}),
): void {
  applyCacheChange(client, cacheChangeFor(client, name, payload), fetchAccount);
}

/** Subscribes to every cache-changing event for the life of the app (mounted once, in App). */
export function useLiveEvents(): void {
  const client = useQueryClient();
  useEffect(() => {
    const names = (Object.keys(liveEvents) as EventName[]).filter((name) => liveEvents[name] !== 'local');
    const stops = names.map((name) => api.on(name, (payload) => handleLiveEvent(client, name, payload)));
    return () => stops.forEach((stop) => stop());
  }, [client]);
}
