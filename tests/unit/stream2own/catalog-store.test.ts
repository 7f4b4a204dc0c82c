import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../../src/main/services/db/database';
import { allMigrations } from '../../../src/main/services/db/migrations';
import { CoopCatalogStore, type CoopTrackRecord } from '../../../src/main/services/wallet/catalog-store';
import { WalletStore } from '../../../src/main/services/wallet/wallet-store';

const clock = { nowMs: () => 1_000, monotonicMs: () => 1_000 };

function stores() {
  const db = openDatabase(':memory:');
  migrate(db, allMigrations);
  return { catalog: new CoopCatalogStore(db, clock), wallet: new WalletStore(db) };
}

function track(
  id: string,
  title: string,
  artist: string,
  extra: Partial<CoopTrackRecord> = {},
): CoopTrackRecord {
  return {
    id,
    title,
    artist,
    album: null,
    durationMs: 200_000,
    status: 'paid',
    rightsholder: artist,
    isOwn: false,
    localFile: null,
    ...extra,
  };
}

const ids = (tracks: readonly { id: string }[]) => tracks.map((t) => t.id);

describe('co-op catalog store', () => {
  it('browses by artist then title, ignoring case, and pages with the total of all matches', () => {
    const { catalog } = stores();
    catalog.upsert([
      track('c', 'beta', 'Zed'),
      track('a', 'Alpha', 'abba'),
      track('b', 'alpha 2', 'ABBA'),
      track('d', 'Gamma', 'Mid'),
    ]);
    expect(ids(catalog.list({ limit: 10, offset: 0 }).tracks)).toEqual(['a', 'b', 'd', 'c']);
    const page = catalog.list({ limit: 2, offset: 1 });
    expect(ids(page.tracks)).toEqual(['b', 'd']);
    expect(page.total).toBe(4);
  });

  it('searches title, artist and album literally: % and _ are not wildcards', () => {
    const { catalog } = stores();
    catalog.upsert([
      track('pct', '100% Pure', 'X'),
      track('num', '1000 Pure', 'X'),
      track('und', 'a_b', 'Y'),
      track('alb', 'Other', 'Z', { album: 'Best of 100%' }),
    ]);
    expect(ids(catalog.list({ query: '100%', limit: 10, offset: 0 }).tracks).sort()).toEqual(['alb', 'pct']);
    expect(ids(catalog.list({ query: 'a_b', limit: 10, offset: 0 }).tracks)).toEqual(['und']);
    expect(catalog.list({ query: ' pure ', limit: 10, offset: 0 }).total).toBe(2);
  });

  it('hides an unpublished track unless the listener owns it or holds its rights; get still finds it', () => {
    const { catalog, wallet } = stores();
    catalog.upsert([
      track('gone', 'Gone', 'A', { published: false }),
      track('mine', 'Mine', 'A', { published: false, isOwn: true }),
      track('bought', 'Bought', 'A', { published: false }),
    ]);
    wallet.saveProgress('bought', { paidPlays: 9, owned: true, countedPlays: 9, previews: 0 }, 5);
    expect(ids(catalog.list({ limit: 10, offset: 0 }).tracks)).toEqual(['bought', 'mine']);
    expect(ids(catalog.owned())).toEqual(['bought']);
    expect(catalog.get('gone')?.published).toBe(false);
  });

  it('an upsert of many rows keeps each track once, as its last listing', () => {
    const { catalog } = stores();
    const many = Array.from({ length: 250 }, (_, i) => track(`t${i}`, `T${i}`, 'A'));
    catalog.upsert([...many, track('t3', 'Renamed', 'B')]);
    expect(catalog.list({ limit: 1, offset: 0 }).total).toBe(250);
    expect(catalog.get('t3')).toMatchObject({ title: 'Renamed', artist: 'B' });
  });
});

describe('wallet store progress', () => {
  it('keeps the time a track was first owned when its progress is saved again', () => {
    const { catalog, wallet } = stores();
    catalog.upsert([track('s', 'Song', 'A')]);
    wallet.saveProgress('s', { paidPlays: 9, owned: true, countedPlays: 9, previews: 0 }, 100);
    wallet.saveProgress('s', { paidPlays: 9, owned: true, countedPlays: 10, previews: 1 }, 200);
    expect(wallet.progress('s')).toEqual({ paidPlays: 9, owned: true, countedPlays: 10, previews: 1 });
  });
});
