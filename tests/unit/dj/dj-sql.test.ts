import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { djDb, fragment, reusable, sqlQuery } from '../../../src/main/services/dj/dj-db';
import { addTrack, openDjTestDb } from './dj-db';

describe('DJ SQL helpers over typedDb', () => {
  it('runs a compiled condition with its parameters in place, and refuses one whose placeholders do not match', () => {
    const db = djDb(openDjTestDb());
    addTrack(db.raw, { path: '/m/a.mp3', title: 'Alpha', artist: 'A', bpm: 120 });
    addTrack(db.raw, { path: '/m/b.mp3', title: 'Beta', artist: 'B', bpm: 128 });
    const where = fragment('t.bpm > ? AND t.artist = ?', [121, 'B']);
    const rows = db.all(
      sqlQuery(db, sql<{ title: string }>`SELECT t.title FROM library_tracks t WHERE ${where}`),
    );
    expect(rows).toEqual([{ title: 'Beta' }]);
    expect(() => fragment('t.bpm > ?', [1, 2])).toThrow(/1 placeholders for 2 parameters/);
  });

  it('reruns a query compiled once with new values, and refuses one that does not bind each argument once in order', () => {
    const db = djDb(openDjTestDb());
    const a = addTrack(db.raw, { path: '/m/a.mp3', title: 'Alpha', artist: 'A' });
    const b = addTrack(db.raw, { path: '/m/b.mp3', title: 'Beta', artist: 'B' });
    const byPath = reusable(
      (path: string) => db.q.selectFrom('library_tracks').select('id').where('path', '=', path),
      ['?path'],
    );
    expect(db.get(byPath('/m/b.mp3'))).toEqual({ id: b });
    expect(db.get(byPath('/m/a.mp3'))).toEqual({ id: a });
    expect(db.get(byPath('/m/none.mp3'))).toBeUndefined();
    const swapped = (title: string, artist: string) =>
      db.q.selectFrom('library_tracks').select('id').where('artist', '=', artist).where('title', '=', title);
    expect(() => reusable(swapped, ['?title', '?artist'])).toThrow(/each argument once, in order/);
  });
});
