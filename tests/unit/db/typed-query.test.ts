import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/services/db/database';
import { typedDb } from '../../../src/main/services/db/typed-query';

interface Tables {
  tracks: { id: number; title: string; owned: number; price_thousandths: number | null };
}

function open() {
  const raw = openDatabase(':memory:');
  raw.exec(
    'CREATE TABLE tracks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, owned INTEGER NOT NULL, price_thousandths INTEGER) STRICT',
  );
  return typedDb<Tables>(raw);
}

describe('typedDb: Kysely-built queries run synchronously on better-sqlite3', () => {
  it('inserts, selects typed rows, updates and deletes', () => {
    const db = open();
    const inserted = db.run(
      db.q.insertInto('tracks').values([
        { id: 1, title: 'One', owned: 0, price_thousandths: 2 },
        { id: 2, title: 'Two', owned: 1, price_thousandths: null },
      ]),
    );
    expect(inserted.changes).toBe(2);
    const rows = db.all(db.q.selectFrom('tracks').select(['id', 'title']).orderBy('id'));
    expect(rows).toEqual([
      { id: 1, title: 'One' },
      { id: 2, title: 'Two' },
    ]);
    const one = db.get(db.q.selectFrom('tracks').selectAll().where('id', '=', 2));
    expect(one?.price_thousandths).toBeNull();
    expect(db.get(db.q.selectFrom('tracks').selectAll().where('id', '=', 99))).toBeUndefined();
    expect(db.run(db.q.updateTable('tracks').set({ owned: 1 }).where('owned', '=', 0)).changes).toBe(1);
    expect(db.run(db.q.deleteFrom('tracks').where('id', '=', 1)).changes).toBe(1);
    expect(db.all(db.q.selectFrom('tracks').select('id'))).toEqual([{ id: 2 }]);
  });

  it('answers one column as plain values, and the same query still answers rows', () => {
    const db = open();
    db.run(
      db.q.insertInto('tracks').values([
        { id: 3, title: 'C', owned: 0, price_thousandths: 2 },
        { id: 1, title: 'A', owned: 0, price_thousandths: 2 },
      ]),
    );
    const ids = db.q.selectFrom('tracks').select('id').orderBy('title');
    expect(db.column(ids)).toEqual([1, 3]);
    // The plucked statement is its own: the row form of the same SQL is unchanged.
    expect(db.all(ids)).toEqual([{ id: 1 }, { id: 3 }]);
    expect(db.column(ids)).toEqual([1, 3]);
  });

  it('binds booleans as 0/1 and returns rows from insert … returning', () => {
    const db = open();
    const returned = db.all(
      db.q
        .insertInto('tracks')
        .values({ id: 7, title: 'Seven', owned: true as unknown as number, price_thousandths: 4 })
        .returning(['id', 'owned']),
    );
    expect(returned).toEqual([{ id: 7, owned: 1 }]);
  });

  it('runs inside a better-sqlite3 transaction, which rolls back as a whole on a throw', () => {
    const db = open();
    const failing = db.raw.transaction(() => {
      db.run(db.q.insertInto('tracks').values({ id: 1, title: 'One', owned: 0, price_thousandths: 2 }));
      db.run(db.q.insertInto('tracks').values({ id: 1, title: 'Dup', owned: 0, price_thousandths: 2 }));
    });
    expect(() => failing()).toThrow(/UNIQUE/);
    expect(db.all(db.q.selectFrom('tracks').select('id'))).toEqual([]);
  });

  it('reuses one prepared statement for queries of the same shape', () => {
    const db = open();
    let prepares = 0;
    const prepare = db.raw.prepare.bind(db.raw);
    db.raw.prepare = ((sql: string) => {
      prepares++;
      return prepare(sql);
    }) as typeof db.raw.prepare;
    for (let i = 0; i < 50; i++)
      db.run(db.q.insertInto('tracks').values({ id: i, title: `T${i}`, owned: 0, price_thousandths: i }));
    expect(prepares).toBe(1);
    expect(db.get(db.q.selectFrom('tracks').select((eb) => eb.fn.countAll<number>().as('n')))?.n).toBe(50);
  });
});
