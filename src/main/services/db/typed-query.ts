import type BetterSqlite3 from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable,
  type InferResult,
} from 'kysely';
import type { Db } from './database';

/**
 * Local persistence through Kysely, executed synchronously.
 *
 * Kysely builds and types each query (tables, columns, result rows come from a
 * domain's table interface, so no result needs a cast); better-sqlite3 runs it.
 * Kysely's own SQLite dialect is asynchronous, and the app's money paths rely on
 * better-sqlite3's synchronous transactions (`db.transaction(fn)()`: nothing else
 * can run between a read and the write that depends on it), so we use Kysely as a
 * query builder only — its documented "splitting build and execution" set-up with
 * a `DummyDriver` — and keep execution, transactions and pragmas in better-sqlite3.
 *
 * Statements are prepared once per distinct SQL text and cached per connection,
 * so a hot loop pays Kysely's compile step but never SQLite's prepare again.
 */
export interface TypedDb<Tables> {
  /** The query builder: `q.selectFrom('coop_tracks')…`; never executed by Kysely. */
  readonly q: Kysely<Tables>;
  /** Every row of a select (or of an insert/update/delete … returning). */
  all<Q extends Compilable<unknown>>(query: Q): InferResult<Q>;
  /**
   * The one selected column of every row, as plain values (better-sqlite3's pluck):
   * no object per row, for lists of ids as long as the library (100,000 rows).
   */
  column<Q extends Compilable<unknown>>(
    query: Q,
  ): Array<InferResult<Q>[number][keyof InferResult<Q>[number]]>;
  /** The first row, or undefined. */
  get<Q extends Compilable<unknown>>(query: Q): InferResult<Q>[number] | undefined;
  /** Runs a statement that returns no rows; the number of rows it changed. */
  run(query: Compilable<unknown>): { changes: number; lastInsertRowid: number | bigint };
  /** The connection, for transactions (`raw.transaction(fn)()`), pragmas and migrations. */
  readonly raw: Db;
}

const builders = new WeakMap<Db, Kysely<unknown>>();
type Statement = BetterSqlite3.Statement<unknown[]>;
const statementCaches = new WeakMap<Db, Map<string, Statement>>();
const MAX_CACHED_STATEMENTS = 500;

function builderFor<Tables>(db: Db): Kysely<Tables> {
  let builder = builders.get(db);
  if (!builder) {
    builder = new Kysely<unknown>({
      dialect: {
        createAdapter: () => new SqliteAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new SqliteIntrospector(k),
        createQueryCompiler: () => new SqliteQueryCompiler(),
      },
    });
    builders.set(db, builder);
  }
  return builder as Kysely<Tables>;
}

/** The statement for `sql`, prepared once per connection; `pluck` ones are their own (pluck is a statement's mode). */
function statementFor(db: Db, sql: string, pluck = false): Statement {
  let cache = statementCaches.get(db);
  if (!cache) {
    cache = new Map();
    statementCaches.set(db, cache);
  }
  const key = pluck ? `pluck\u0000${sql}` : sql;
  let statement = cache.get(key);
  if (!statement) {
    // A query built from user input can vary in shape (IN lists); keep the cache bounded.
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
    statement = db.prepare<unknown[]>(sql);
    if (pluck) statement.pluck();
    cache.set(key, statement);
  }
  return statement;
}

/** better-sqlite3 binds numbers, bigints, strings, buffers and null; a boolean is stored as 0/1. */
function bindable(parameters: readonly unknown[]): unknown[] {
  return parameters.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

export function typedDb<Tables>(db: Db): TypedDb<Tables> {
  const q = builderFor<Tables>(db);
  return {
    q,
    raw: db,
    all(query) {
      const { sql, parameters } = query.compile();
      return statementFor(db, sql).all(...bindable(parameters)) as never;
    },
    column(query) {
      const { sql, parameters } = query.compile();
      return statementFor(db, sql, true).all(...bindable(parameters)) as never;
    },
    get(query) {
      const { sql, parameters } = query.compile();
      return statementFor(db, sql).get(...bindable(parameters)) as never;
    },
    run(query) {
      const { sql, parameters } = query.compile();
      const info = statementFor(db, sql).run(...bindable(parameters));
      return { changes: info.changes, lastInsertRowid: info.lastInsertRowid };
    },
  };
}
