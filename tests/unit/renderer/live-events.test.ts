import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { EventName, EventPayload } from '../../../src/shared/contract';
import type { AccountStatus, SyncStatus } from '../../../src/shared/contract/sync';

// The renderer's client reaches for the host (window) when loaded: these tests never call it.
vi.mock('../../../src/renderer/src/api/client', async () => ({
  ApiError: (await import('../../../src/renderer/src/api/api-error')).ApiError,
  api: { call: () => Promise.reject(new Error('no host in unit tests')), on: () => () => undefined },
}));

const { handleLiveEvent, liveEvents, LIBRARY_CHANGED } =
  await import('../../../src/renderer/src/api/live-events');
const { WALLET_QUERIES } = await import('../../../src/renderer/src/api/account');

/** Every cached answer the app may hold, one per call (plus a second input for a few). */
const CACHED: QueryKey[] = [
  ['settings.get', {}],
  ['library.tracks', { limit: 50 }],
  ['library.tracks', { limit: 50, search: 'x' }],
  ['library.search', { text: 'a' }],
  ['library.albums', {}],
  ['library.album', { id: 1 }],
  ['library.artists', {}],
  ['library.artist', { id: 1 }],
  ['library.problems', { limit: 1 }],
  ['library.folders', {}],
  ['library.scanStatus', {}],
  ['library.watchState', {}],
  ['library.analysisStatus', {}],
  ['dj.query', {}],
  ['dj.lists', {}],
  ['dj.listItems', { listId: 1 }],
  ['release.draft', { draftId: 'd1' }],
  ['release.draft', { draftId: 'd2' }],
  ['release.checks', { draftId: 'd1', targetLufs: -14 }],
  ['release.checks', { draftId: 'd2', targetLufs: -14 }],
  ['wallet.get', {}],
  ['wallet.history', {}],
  ['wallet.collection', {}],
  ['wallet.ledger', {}],
  ['wallet.membership', {}],
  ['coop.tracks', {}],
  ['coop.trackDetails', { trackId: 'c1' }],
  ['downloads.status', {}],
  ['sync.status', {}],
  ['sync.corrections', {}],
  ['account.status', {}],
  ['tlog.status', {}],
  ['tlog.plays', {}],
  ['artist.releases', {}],
];

const ACCOUNT: AccountStatus = {
  signedIn: true,
  email: 'a@example.test',
  userId: 'u1',
  serverUrl: 'http://server.test',
} as AccountStatus;
const SYNC = { state: 'idle', lastSyncAtMs: 1_000 } as unknown as SyncStatus;

/** A client holding an answer for every key in CACHED, all fresh. */
function cachedClient(): QueryClient {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  for (const key of CACHED) client.setQueryData(key, { answer: JSON.stringify(key) });
  client.setQueryData(['account.status', {}], ACCOUNT);
  client.setQueryData(['sync.status', {}], SYNC);
  return client;
}

const show = (key: QueryKey) => JSON.stringify(key);

/** Handles one event; answers which cached keys were marked stale and which answers were replaced. */
function fire<N extends EventName>(name: N, payload: EventPayload<N>, client = cachedClient()) {
  const before = new Map(
    client
      .getQueryCache()
      .getAll()
      .map((q) => [show(q.queryKey), q.state.data]),
  );
  const fetchAccount = vi.fn(() => Promise.resolve(ACCOUNT));
  handleLiveEvent(client, name, payload, fetchAccount);
  const queries = client.getQueryCache().getAll();
  return {
    invalidated: queries
      .filter((q) => q.state.isInvalidated)
      .map((q) => show(q.queryKey))
      .sort(),
    replaced: queries
      .filter((q) => q.state.data !== before.get(show(q.queryKey)))
      .map((q) => show(q.queryKey)),
    data: (key: QueryKey) => client.getQueryData(key),
    fetchAccount,
  };
}

/** The cached keys of these calls (every input). */
const keysOf = (...names: string[]) =>
  CACHED.filter((k) => names.includes(k[0] as string))
    .map(show)
    .sort();

describe('events → cache keys (api/live-events.ts)', () => {
  it('lists every event of the contract (a new event fails the type-check until it is classified)', () => {
    expect(Object.keys(liveEvents)).toContain('library.changed');
    expect(Object.values(liveEvents).filter((rule) => rule === 'local').length).toBeGreaterThan(0);
  });

  it('library.changed invalidates the library content and the DJ collection, and nothing else', () => {
    const { invalidated, replaced } = fire('library.changed', {
      reason: 'scan',
    } as EventPayload<'library.changed'>);
    expect(invalidated).toEqual(keysOf(...LIBRARY_CHANGED));
    expect(invalidated).toContain(show(['library.tracks', { limit: 50, search: 'x' }]));
    expect(invalidated).not.toContain(show(['wallet.get', {}]));
    expect(replaced).toEqual([]);
  });

  it('a finished sync (a new lastSyncAtMs) writes the status and invalidates the wallet queries', () => {
    const next = { ...SYNC, lastSyncAtMs: 2_000 };
    const { invalidated, data, fetchAccount } = fire('sync.status', next);
    expect(data(['sync.status', {}])).toEqual(next);
    expect(invalidated).toEqual(keysOf(...WALLET_QUERIES));
    expect(fetchAccount).not.toHaveBeenCalled();
  });

  it('a sync status with the same last sync changes no other answer', () => {
    const { invalidated, replaced } = fire('sync.status', { ...SYNC, state: 'syncing' } as SyncStatus);
    expect(invalidated).toEqual([]);
    expect(replaced).toEqual([show(['sync.status', {}])]);
  });

  it('signed out elsewhere: the account status is asked for again', () => {
    const { fetchAccount } = fire('sync.status', { ...SYNC, state: 'signed_out' } as SyncStatus);
    expect(fetchAccount).toHaveBeenCalledTimes(1);
  });

  it('another account drops every account-scoped answer but keeps the local library', () => {
    const other = { ...ACCOUNT, userId: 'u2', email: 'b@example.test' };
    const { data } = fire('account.changed', other);
    expect(data(['account.status', {}])).toEqual(other);
    expect(data(['wallet.get', {}])).toBeUndefined();
    expect(data(['coop.tracks', {}])).toBeUndefined();
    expect(data(['library.tracks', { limit: 50 }])).toBeDefined();
  });

  it('the same account again only marks the wallet and sync answers stale', () => {
    const { invalidated, data } = fire('account.changed', { ...ACCOUNT });
    expect(data(['wallet.get', {}])).toBeDefined();
    expect(invalidated).toEqual(keysOf(...WALLET_QUERIES, 'sync.status'));
  });

  it('settings.changed writes the settings and asks for the account again (another server)', () => {
    const settings = { theme: 'dark' } as EventPayload<'settings.changed'>;
    const { invalidated, replaced, data, fetchAccount } = fire('settings.changed', settings);
    expect(data(['settings.get', {}])).toEqual(settings);
    expect(replaced).toEqual([show(['settings.get', {}])]);
    expect(invalidated).toEqual([]);
    expect(fetchAccount).toHaveBeenCalledTimes(1);
  });

  it('a counted play writes the wallet it carries and invalidates the catalog, history and collection', () => {
    const wallet = { spendableThousandths: 5 } as unknown as EventPayload<'wallet.changed'>;
    const counted = { wallet } as unknown as EventPayload<'player.playCounted'>;
    const { invalidated, data } = fire('player.playCounted', counted);
    expect(data(['wallet.get', {}])).toEqual(wallet);
    expect(invalidated).toEqual(keysOf('coop.tracks', 'wallet.history', 'wallet.collection'));
  });

  it('wallet.changed writes the wallet and invalidates nothing', () => {
    const wallet = { spendableThousandths: 7 } as unknown as EventPayload<'wallet.changed'>;
    const { invalidated, replaced } = fire('wallet.changed', wallet);
    expect(replaced).toEqual([show(['wallet.get', {}])]);
    expect(invalidated).toEqual([]);
  });

  it('a release analysis step invalidates only that draft and its checks', () => {
    const step = { draftId: 'd1' } as EventPayload<'release.analysisProgress'>;
    const { invalidated } = fire('release.analysisProgress', step);
    expect(invalidated).toEqual(
      [
        show(['release.draft', { draftId: 'd1' }]),
        show(['release.checks', { draftId: 'd1', targetLufs: -14 }]),
      ].sort(),
    );
  });

  it('a finished library analysis writes its status and invalidates the DJ views; a running one only writes', () => {
    const done = {
      state: 'idle',
      last: { analysed: 1 },
    } as unknown as EventPayload<'library.analysisProgress'>;
    expect(fire('library.analysisProgress', done).invalidated).toEqual(keysOf('dj.query', 'dj.listItems'));
    const running = { state: 'running', last: null } as unknown as EventPayload<'library.analysisProgress'>;
    const step = fire('library.analysisProgress', running);
    expect(step.invalidated).toEqual([]);
    expect(step.replaced).toEqual([show(['library.analysisStatus', {}])]);
  });

  it('scan progress, watch state, lists, corrections and the public log each touch their own keys', () => {
    const scan = {} as EventPayload<'library.scanProgress'>;
    expect(fire('library.scanProgress', scan).replaced).toEqual([show(['library.scanStatus', {}])]);
    const watch = {} as EventPayload<'library.watchState'>;
    expect(fire('library.watchState', watch).replaced).toEqual([show(['library.watchState', {}])]);
    const lists = fire('dj.listsChanged', {} as EventPayload<'dj.listsChanged'>);
    expect(lists.invalidated).toEqual(keysOf('dj.lists', 'dj.listItems'));
    const correction = fire('sync.correction', {} as EventPayload<'sync.correction'>);
    expect(correction.invalidated).toEqual(keysOf('sync.corrections', 'sync.status'));
    const log = fire('tlog.changed', {} as EventPayload<'tlog.changed'>);
    expect(log.replaced).toEqual([show(['tlog.status', {}])]);
    expect(log.invalidated).toEqual(keysOf('tlog.plays'));
  });

  it('a local event (progress bars, player commands) changes no cached answer', () => {
    const { invalidated, replaced } = fire('dj.exportProgress', {} as EventPayload<'dj.exportProgress'>);
    expect(invalidated).toEqual([]);
    expect(replaced).toEqual([]);
  });
});
