import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/main/services/core/clock';
import { ListStore } from '../../../src/main/services/dj/lists';
import { POSITION_STEP } from '../../../src/main/services/dj/schema';
import { addTrack, openDjTestDb } from './dj-db';

function setup() {
  const db = openDjTestDb();
  const lists = new ListStore(db, new FakeClock());
  const ids = Array.from({ length: 6 }, (_, i) =>
    addTrack(db, { path: `/m/${i}.mp3`, title: `T${i}`, artist: 'A' }),
  );
  return { db, lists, ids };
}
const refs = (ids: number[]) => ids.map((id) => ({ ref: { source: 'local' as const, id }, label: `#${id}` }));

describe('lists', () => {
  it('nests in folders, renames, keeps names unique per folder, refuses cycles, deletes folders with contents', () => {
    const { lists } = setup();
    const gigs = lists.create({ kind: 'folder', name: 'Gigs', parentId: null });
    const summer = lists.create({ kind: 'folder', name: 'Summer', parentId: gigs });
    const crate = lists.create({ kind: 'crate', name: 'Warm-up', parentId: summer });
    lists.create({ kind: 'crate', name: 'Warm-up', parentId: null }); // same name, other folder: fine
    expect(() => lists.create({ kind: 'crate', name: 'warm-UP', parentId: summer })).toThrow(/already/);
    expect(() => lists.create({ kind: 'crate', name: 'x', parentId: crate })).toThrow(/not a folder/);
    expect(() => lists.move(gigs, summer, null)).toThrow(/inside itself/);
    lists.rename(crate, 'Opening');
    expect(lists.get(crate).name).toBe('Opening');
    lists.move(crate, null, null);
    expect(lists.get(crate).parentId).toBeNull();
    lists.move(crate, gigs, summer);
    expect(
      lists
        .all(() => 0)
        .filter((l) => l.parentId === gigs)
        .map((l) => l.name),
    ).toEqual(['Opening', 'Summer']);
    expect(lists.delete(gigs)).toBe(3);
    expect(lists.all(() => 0).map((l) => l.name)).toEqual(['Warm-up']);
  });

  it('adds in order, reports duplicates, reorders, and compacts when gaps run out', () => {
    const { lists, ids } = setup();
    const crate = lists.create({ kind: 'crate', name: 'C', parentId: null });
    expect(lists.addItems(crate, refs(ids.slice(0, 4)), null)).toEqual({ added: 4, duplicates: [] });
    const dup = lists.addItems(crate, refs([ids[1]!, ids[4]!, ids[4]!]), null);
    expect(dup).toEqual({
      added: 1,
      duplicates: [
        { source: 'local', id: ids[1] },
        { source: 'local', id: ids[4] },
      ],
    });
    const order = () => lists.items(crate).map((i) => (i.ref as { id: number }).id);
    expect(order()).toEqual([ids[0], ids[1], ids[2], ids[3], ids[4]]);
    const items = lists.items(crate);
    lists.moveItems(crate, [items[3]!.id, items[4]!.id], items[0]!.id);
    expect(order()).toEqual([ids[3], ids[4], ids[0], ids[1], ids[2]]);
    lists.moveItems(crate, [items[3]!.id], null);
    expect(order()).toEqual([ids[4], ids[0], ids[1], ids[2], ids[3]]);
    // Squeeze many moves into the same gap: it must compact and keep the order right.
    for (let i = 0; i < 40; i++) {
      const now = lists.items(crate);
      lists.moveItems(crate, [now.at(-1)!.id], now[1]!.id);
    }
    expect(new Set(order()).size).toBe(5);
    const positions = lists.items(crate).map((i) => i.position);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    lists.compact(crate);
    expect(lists.items(crate).map((i) => i.position)).toEqual([1, 2, 3, 4, 5].map((n) => n * POSITION_STEP));
    lists.addItems(crate, refs([ids[5]!]), lists.items(crate)[0]!.id);
    expect(order()[0]).toBe(ids[5]);
  });

  it('finds a list by name whatever its case, and counts each crate’s items', () => {
    const { lists, ids } = setup();
    const folder = lists.create({ kind: 'folder', name: 'Gigs', parentId: null });
    const crate = lists.create({ kind: 'crate', name: 'Warm-up', parentId: folder });
    const empty = lists.create({ kind: 'playlist', name: 'Later', parentId: null });
    lists.addItems(crate, refs(ids.slice(0, 3)), null);
    expect(lists.findByName('WARM-UP')).toMatchObject({ id: crate, parentId: folder, kind: 'crate' });
    expect(lists.findByName('warm')).toBeNull();
    expect(lists.all(() => 0).map((l) => [l.name, l.itemCount])).toEqual([
      ['Gigs', 0],
      ['Later', 0],
      ['Warm-up', 3],
    ]);
    expect(lists.get(empty).itemCount).toBe(0);
  });

  it('keeps smart playlists as saved queries, checked when saved', () => {
    const { lists } = setup();
    expect(() => lists.create({ kind: 'smart', name: 'Bad', parentId: null, query: 'bpm:' })).toThrow(
      /Expected a value/,
    );
    const id = lists.create({
      kind: 'smart',
      name: 'Peak',
      parentId: null,
      query: 'bpm:>126',
      sort: 'bpm',
      direction: 'desc',
    });
    expect(lists.get(id, () => 7)).toMatchObject({
      kind: 'smart',
      query: 'bpm:>126',
      sort: 'bpm',
      direction: 'desc',
      itemCount: 7,
    });
    expect(() => lists.addItems(id, refs([1]), null)).toThrow(/smart playlist/);
    lists.updateSmart(id, 'key:8A');
    expect(lists.get(id).query).toBe('key:8A');
  });
});
