import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, migrate, type Db } from '../../../src/main/services/db/database';
import { libraryMigrations } from '../../../src/main/services/library/schema';
import { stream2ownMigrations } from '../../../src/main/services/wallet/migrations';
import { djMigrations } from '../../../src/main/services/dj/schema';
import { FakeClock } from '../../../src/main/services/core/clock';
import { CoopCatalogStore } from '../../../src/main/services/wallet/catalog-store';
import { QueryService } from '../../../src/main/services/dj/query-service';
import { djTrackSchema, type DjTrack } from '../../../src/shared/contract/dj';
import { addTrack } from './dj-db';

const DAY = 86_400_000;
const clock = new FakeClock();
const now = clock.nowMs();
let db: Db;
let queries: QueryService;

function run(
  query: string,
  sort: 'title' | 'bpm' | 'key' | 'addedAt' = 'title',
  direction: 'asc' | 'desc' = 'asc',
  limit = 1000,
  offset = 0,
) {
  return queries.run({ query, offset, limit, sort, direction, status: 'ok' });
}
const labels = (rows: DjTrack[]) => rows.map((r) => `${r.source}:${r.title}`);

beforeAll(() => {
  db = openDatabase(':memory:');
  migrate(db, [...libraryMigrations, ...stream2ownMigrations, ...djMigrations]);
  db.prepare("INSERT INTO library_folders (id, path, added_at) VALUES (1, '/music', 0)").run();
  queries = new QueryService(db, clock);
  addTrack(db, {
    path: '/m/a.mp3',
    title: 'Alpha',
    artist: 'Local One',
    genre: 'House',
    bpm: 124,
    key: 'Am',
    playCount: 2,
    addedAt: now - 3 * DAY,
  });
  addTrack(db, {
    path: '/m/c.mp3',
    title: 'Charlie',
    artist: 'Local Two',
    genre: 'Techno',
    bpm: 132,
    key: '9A',
    addedAt: now - 400 * DAY,
  });
  new CoopCatalogStore(db, clock).upsert([
    {
      id: 'co-owned',
      title: 'Bravo',
      artist: 'Coop Artist',
      album: 'Coop EP',
      durationMs: 200_000,
      status: 'paid',
      rightsholder: 'x',
      isOwn: false,
      localFile: '/data/downloads/b.flac',
    },
    {
      id: 'co-streaming',
      title: 'Delta',
      artist: 'Coop Artist',
      album: null,
      durationMs: 210_000,
      status: 'paid',
      rightsholder: 'x',
      isOwn: false,
      localFile: null,
    },
    {
      id: 'co-mine',
      title: 'Echo',
      artist: 'Me',
      album: null,
      durationMs: 190_000,
      status: 'paid',
      rightsholder: 'me',
      isOwn: true,
      localFile: null,
    },
    {
      id: 'co-free',
      title: 'Foxtrot',
      artist: 'Coop Artist',
      album: null,
      durationMs: 190_000,
      status: 'free',
      rightsholder: 'x',
      isOwn: false,
      localFile: null,
    },
  ]);
  db.prepare(
    'INSERT INTO coop_track_progress (track_id, paid_plays, owned, owned_at, counted_plays) VALUES (?, ?, ?, ?, ?)',
  ).run('co-owned', 9, 1, now - 10 * DAY, 12);
  db.prepare(
    'INSERT INTO coop_track_progress (track_id, paid_plays, owned, counted_plays) VALUES (?, ?, ?, ?)',
  ).run('co-streaming', 4, 0, 4);
});

describe('the DJ collection with co-op tracks', () => {
  it("shows owned co-op tracks (bought, or the listener's own release) with the local files", () => {
    const page = run('');
    expect(page.total).toBe(4);
    expect(labels(page.rows)).toEqual(['local:Alpha', 'coop:Bravo', 'local:Charlie', 'coop:Echo']);
    for (const row of page.rows) expect(djTrackSchema.safeParse(row).success).toBe(true);
    const bravo = page.rows[1]!;
    expect(bravo).toMatchObject({
      source: 'coop',
      id: 'co-owned',
      owned: true,
      downloaded: true,
      album: 'Coop EP',
      bpm: null,
      key: null,
      playCount: 12,
      addedAt: now - 10 * DAY,
    });
    expect(page.rows[0]).toMatchObject({ source: 'local', owned: true });
  });

  it('owned:yes is the collection, owned:no the co-op tracks not owned yet', () => {
    expect(labels(run('owned:yes').rows)).toEqual([
      'local:Alpha',
      'coop:Bravo',
      'local:Charlie',
      'coop:Echo',
    ]);
    expect(labels(run('owned:no').rows)).toEqual(['coop:Delta', 'coop:Foxtrot']);
    expect(run('owned:no').rows[0]).toMatchObject({
      id: 'co-streaming',
      owned: false,
      downloaded: false,
      playCount: 4,
    });
    expect(labels(run('NOT owned:yes').rows)).toEqual(['coop:Delta', 'coop:Foxtrot']);
  });

  it('applies text filters to co-op rows; BPM, key and genre filters leave them out (the catalog has none)', () => {
    expect(labels(run('coop').rows)).toEqual(['coop:Bravo']);
    expect(labels(run('artist:"coop art"').rows)).toEqual(['coop:Bravo']);
    expect(labels(run('album:ep').rows)).toEqual(['coop:Bravo']);
    expect(labels(run('bpm:120-128').rows)).toEqual(['local:Alpha']);
    expect(labels(run('key:~8A').rows)).toEqual(['local:Alpha', 'local:Charlie']);
    expect(labels(run('genre:house').rows)).toEqual(['local:Alpha']);
    expect(labels(run('-genre:house').rows)).toEqual(['coop:Bravo', 'local:Charlie', 'coop:Echo']);
    expect(labels(run('plays:>10').rows)).toEqual(['coop:Bravo']);
    expect(labels(run('added:<30d').rows)).toEqual(['local:Alpha', 'coop:Bravo', 'coop:Echo']);
  });

  it('sorts and pages local and co-op rows together', () => {
    // BPM ascending: rows without a BPM (the co-op ones) first, as for local files; ties by album.
    expect(labels(run('', 'bpm').rows)).toEqual(['coop:Echo', 'coop:Bravo', 'local:Alpha', 'local:Charlie']);
    const all = run('', 'title', 'desc').rows.map((r) => `${r.source}:${r.id}`);
    const paged = [0, 1, 2, 3].map(
      (i) => run('', 'title', 'desc', 1, i).rows.map((r) => `${r.source}:${r.id}`)[0],
    );
    expect(paged).toEqual(all);
    expect(run('', 'title', 'asc', 2, 1)).toMatchObject({ total: 4, offset: 1 });
    expect(labels(run('', 'title', 'asc', 2, 1).rows)).toEqual(['coop:Bravo', 'local:Charlie']);
  });

  it('runs every kind of query over both sides', () => {
    const cases: [string, string[]][] = [
      ['alpha OR owned:no', ['local:Alpha', 'coop:Delta', 'coop:Foxtrot']],
      ['NOT (bpm:>120 OR key:~8A)', ['coop:Bravo', 'coop:Echo']],
      ['"coop artist" -owned:no', ['coop:Bravo']],
      ['title:=bravo', ['coop:Bravo']],
      ['played:<1d', []],
      ['year:2000-2020 OR format:flac', []],
      ['(genre:house OR genre:techno) plays:>=0', ['local:Alpha', 'local:Charlie']],
    ];
    for (const [query, expected] of cases) expect(labels(run(query).rows), query).toEqual(expected);
  });

  it('leaves co-op rows out of missing-file views', () => {
    expect(
      queries.run({ query: '', offset: 0, limit: 10, sort: 'title', direction: 'asc', status: 'missing' })
        .total,
    ).toBe(0);
  });
});

describe('unpublished co-op releases in the DJ collection', () => {
  it("stay with the listener who owns them and leave everyone else's views", () => {
    const store = new CoopCatalogStore(db, clock);
    const unpublish = (id: string, title: string, isOwn = false) =>
      store.upsert([
        {
          id,
          title,
          artist: 'Coop Artist',
          album: null,
          durationMs: 200_000,
          status: 'paid',
          rightsholder: 'x',
          isOwn,
          localFile: null,
          published: false,
        },
      ]);
    unpublish('co-owned', 'Bravo');
    unpublish('co-streaming', 'Delta');
    expect(labels(run('owned:yes').rows)).toContain('coop:Bravo');
    expect(labels(run('owned:no').rows)).toEqual(['coop:Foxtrot']);
    expect(labels(run('delta').rows)).toEqual([]);
  });
});
