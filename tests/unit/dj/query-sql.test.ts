import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Db } from '../../../src/main/services/db/database';
import { FakeClock } from '../../../src/main/services/core/clock';
import { QueryService } from '../../../src/main/services/dj/query-service';
import { compileQuery } from '../../../src/main/services/dj/query-sql';
import { parseQuery } from '../../../src/shared/query';
import { addTrack, openDjTestDb } from './dj-db';

const DAY = 86_400_000;
const clock = new FakeClock();
const now = clock.nowMs();
let db: Db;
let queries: QueryService;

function titles(query: string): string[] {
  return queries
    .run({ query, offset: 0, limit: 1000, sort: 'title', direction: 'asc', status: 'ok' })
    .rows.map((r) => r.title);
}

beforeAll(() => {
  db = openDjTestDb();
  queries = new QueryService(db, clock);
  addTrack(db, {
    path: '/m/1.mp3',
    title: 'One',
    artist: 'Mattias W',
    genre: 'Deep House',
    bpm: 124,
    key: 'Am',
    playCount: 5,
    addedAt: now - 2 * DAY,
  });
  addTrack(db, {
    path: '/m/2.mp3',
    title: 'Two',
    artist: 'Someone',
    genre: 'House',
    bpm: 127.6,
    key: '8A',
    playCount: 1,
    addedAt: now - 40 * DAY,
  });
  addTrack(db, {
    path: '/m/3.mp3',
    title: 'Three',
    artist: 'Mattias Wendel',
    genre: 'Techno',
    bpm: 135,
    key: '9A',
    playCount: 10,
    addedAt: now - 400 * DAY,
  });
  addTrack(db, {
    path: '/m/4.mp3',
    title: 'Four 100%',
    artist: 'Other',
    genre: 'Ambient',
    bpm: null,
    key: 'C',
    addedAt: now - 1 * DAY,
  });
  addTrack(db, {
    path: '/m/5.flac',
    title: 'Five',
    artist: 'Other',
    genre: 'house',
    bpm: 120.2,
    key: 'F#m',
    codec: 'FLAC',
    addedAt: now,
  });
});

describe('query to SQL', () => {
  it('filters by each field', () => {
    expect(titles('bpm:120-128')).toEqual(['Five', 'One', 'Two']);
    expect(titles('bpm:128')).toEqual(['Two']); // 127.6 shows as 128
    expect(titles('bpm:>128')).toEqual(['Three']);
    expect(titles('key:8A')).toEqual(['One', 'Two']); // "Am" and "8A" are the same key
    expect(titles('key:Am')).toEqual(['One', 'Two']);
    expect(titles('key:~8A')).toEqual(['Four 100%', 'One', 'Three', 'Two']); // 8A, 7A, 9A, 8B (C)
    expect(titles('genre:house')).toEqual(['Five', 'One', 'Two']);
    expect(titles('genre:=house')).toEqual(['Five', 'Two']);
    expect(titles('plays:>3')).toEqual(['One', 'Three']);
    expect(titles('added:<30d')).toEqual(['Five', 'Four 100%', 'One']);
    expect(titles('added:>1y')).toEqual(['Three']);
    expect(titles('artist:"Mattias W"')).toEqual(['One', 'Three']);
    expect(titles('owned:yes').length).toBe(5);
    expect(titles('owned:no')).toEqual([]);
    expect(titles('format:flac')).toEqual(['Five']);
    expect(titles('format:mp3').length).toBe(4);
  });

  it('combines with AND, OR, NOT and full-text words', () => {
    expect(titles('bpm:120-128 key:8A genre:house owned:yes plays:>3 added:<30d artist:"Mattias W"')).toEqual(
      ['One'],
    );
    expect(titles('genre:techno OR genre:ambient')).toEqual(['Four 100%', 'Three']);
    expect(titles('NOT bpm:>121')).toEqual(['Five', 'Four 100%']); // no BPM is "not above 121"
    expect(titles('-genre:house')).toEqual(['Four 100%', 'Three']);
    expect(titles('matt')).toEqual(['One', 'Three']);
    expect(titles('matt (key:9A OR genre:deep)')).toEqual(['One', 'Three']);
    expect(titles('"mattias w"')).toEqual(['One', 'Three']); // phrase, last word a prefix
    expect(titles('100%')).toEqual(['Four 100%']);
    expect(titles('')).toHaveLength(5);
  });

  it('keeps user text out of the SQL', () => {
    const parsed = parseQuery(`artist:"x' OR 1=1 --" genre:"%_\\\\" "');DROP TABLE library_tracks;--"`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const { sql } = compileQuery(parsed.query, { nowMs: now });
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain('1=1');
    expect(titles(`artist:"x' OR 1=1 --"`)).toEqual([]);
  });

  it('answers a syntax error as invalid_input naming the position', () => {
    expect(() => titles('bpm:fast')).toThrow(/at character 5/);
  });

  it('sorts keys by the Camelot wheel and pages', () => {
    const page = queries.run({
      query: '',
      offset: 0,
      limit: 10,
      sort: 'key',
      direction: 'asc',
      status: 'ok',
    });
    expect(page.rows.map((r) => r.camelotKey)).toEqual(['8A', '8A', '8B', '9A', '11A']);
    expect(page.rows[0]!.musicalKey).toBe('Am');
    const second = queries.run({
      query: '',
      offset: 2,
      limit: 2,
      sort: 'bpm',
      direction: 'desc',
      status: 'ok',
    });
    expect(second).toMatchObject({ total: 5, offset: 2 });
    expect(second.rows.map((r) => r.title)).toEqual(['One', 'Five']);
  });
});

describe('paging', () => {
  it('gives the same order whether a page walks the sort index or sorts the matches', () => {
    // One row per page makes most pages walk the sort's index (many matches
    // per row asked for); a page of 1000 sorts the matches. Both must agree.
    for (const query of [
      '',
      'bpm:120-128',
      'key:~8A',
      'genre:house',
      'plays:>0',
      'added:<30d',
      'bpm:>100 -genre:techno',
      'matt OR genre:ambient',
    ]) {
      for (const sort of ['artist', 'title', 'bpm', 'key', 'addedAt', 'year'] as const) {
        for (const direction of ['asc', 'desc'] as const) {
          const all = queries.run({ query, offset: 0, limit: 1000, sort, direction, status: 'ok' });
          const oneByOne = all.rows.map(
            (_, i) => queries.run({ query, offset: i, limit: 1, sort, direction, status: 'ok' }).rows[0]?.id,
          );
          expect(oneByOne, `${query} by ${sort} ${direction}`).toEqual(all.rows.map((r) => r.id));
        }
      }
    }
  });
});

/**
 * Grammar-based property tests. Seeded so a failure replays: run again with
 * DJ_QUERY_SEED=<seed printed by fast-check> to reproduce it.
 */
const seed = Number(process.env.DJ_QUERY_SEED ?? 20260107);

const word = fc
  .stringMatching(/^[a-zA-Z0-9éü%!']{1,8}$/)
  .filter((w) => !['AND', 'OR', 'NOT'].includes(w) && !w.startsWith('-'));
const quoted = fc
  .string({ maxLength: 12 })
  .filter((s) => s.trim().length > 0)
  .map((s) => `"${s.replace(/["\\]/g, '')}x"`);
const num = fc.oneof(
  fc.integer({ min: 0, max: 300 }).map(String),
  fc.float({ min: 0, max: 300, noNaN: true }).map((f) => f.toFixed(2)),
);
const op = fc.constantFrom('', '>', '>=', '<', '<=', '=');
const numberValue = fc.oneof(
  fc.tuple(op, num).map(([o, n]) => o + n),
  fc.tuple(num, num).map(([a, b]) => `${a}-${b}`),
);
const duration = fc
  .tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('h', 'd', 'w', 'm', 'y'))
  .map(([n, u]) => `${n}${u}`);
const day = fc
  .date({ min: new Date(2000, 0, 1), max: new Date(2030, 11, 31), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const timeValue = fc.oneof(
  fc.tuple(op, duration).map(([o, d]) => o + d),
  fc.tuple(op, day).map(([o, d]) => o + d),
  fc.tuple(duration, duration).map(([a, b]) => `${a}-${b}`),
  fc.tuple(day, day).map(([a, b]) => `${a}-${b}`),
);
const keyValue = fc
  .tuple(
    fc.constantFrom('', '~'),
    fc.constantFrom(
      '8A',
      '12b',
      '1m',
      '6d',
      'Am',
      'F#m',
      'Bbmaj',
      'Gb maj'.replace(' ', ''),
      'C',
      'A minor'.replace(' ', ''),
      'Ebm',
    ),
  )
  .map(([a, b]) => a + b);
const fieldTerm = fc.oneof(
  fc.tuple(fc.constantFrom('bpm', 'year', 'plays', 'tempo'), numberValue).map(([f, v]) => `${f}:${v}`),
  fc.tuple(fc.constantFrom('added', 'played'), timeValue).map(([f, v]) => `${f}:${v}`),
  keyValue.map((k) => `key:${k}`),
  fc.constantFrom('owned:yes', 'owned:no', 'owned:true'),
  fc
    .tuple(
      fc.constantFrom('artist', 'title', 'album', 'genre', 'format'),
      fc.oneof(
        word,
        word.map((w) => `=${w}`),
        quoted,
      ),
    )
    .map(([f, v]) => `${f}:${v}`),
);
const { expr } = fc.letrec((tie) => ({
  term: fc.oneof({ weight: 3, arbitrary: fieldTerm }, word, quoted),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('term') as fc.Arbitrary<string>,
    fc
      .tuple(
        tie('expr') as fc.Arbitrary<string>,
        fc.constantFrom(' ', ' AND ', ' OR '),
        tie('expr') as fc.Arbitrary<string>,
      )
      .map(([a, o, b]) => a + o + b),
    (tie('expr') as fc.Arbitrary<string>).map((e) => `(${e})`),
    (tie('term') as fc.Arbitrary<string>).map((t) => `NOT ${t}`),
    (tie('term') as fc.Arbitrary<string>).map((t) => `-${t}`),
  ),
}));

describe('query language properties', () => {
  it('every grammar-generated query parses, compiles and runs', () => {
    fc.assert(
      fc.property(expr, (text) => {
        const parsed = parseQuery(text);
        if (!parsed.ok)
          throw new Error(`${JSON.stringify(text)}: ${parsed.error.message} at ${parsed.error.position}`);
        const { sql, params } = compileQuery(parsed.query, { nowMs: now });
        db.prepare(`SELECT count(*) FROM library_tracks t WHERE ${sql}`).get(...params);
      }),
      { seed, numRuns: 400 },
    );
  });

  it('any text parses or fails with a position inside it, and never throws', () => {
    const alphabet = fc.constantFrom(
      ...'abc:"()-<>=.~ 8AORNDT\\é\t'.split(''),
      'AND',
      'OR',
      'NOT',
      'bpm:',
      'key:',
      'added:',
    );
    const noise = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
    );
    fc.assert(
      fc.property(noise, (text) => {
        const parsed = parseQuery(text);
        if (parsed.ok) {
          const { sql, params } = compileQuery(parsed.query, { nowMs: now });
          db.prepare(`SELECT count(*) FROM library_tracks t WHERE ${sql}`).get(...params);
          return;
        }
        expect(parsed.error.position).toBeGreaterThanOrEqual(0);
        expect(parsed.error.position).toBeLessThanOrEqual(Math.max(0, text.length - 1));
        expect(parsed.error.length).toBeGreaterThan(0);
        expect(parsed.error.position + parsed.error.length).toBeLessThanOrEqual(Math.max(1, text.length));
      }),
      { seed, numRuns: 2000 },
    );
  });
});
