import { sql, type Compilable, type RawBuilder } from 'kysely';
import type { Db } from '../db/database';
import { typedDb, type TypedDb } from '../db/typed-query';
import type { LibraryTables } from '../library/tables';
import type { WalletTables } from '../wallet/tables';
import type { DjTables } from './tables';

/**
 * What the DJ domain reads and writes: its own lists, the library's tracks
 * (and their artist and album links, which the tag editor keeps in step), and
 * the co-op catalog cached by the wallet domain (read only).
 */
export type DjReadTables = DjTables &
  LibraryTables &
  Pick<WalletTables, 'coop_tracks' | 'coop_track_progress' | 'coop_plays'> & {
    sqlite_master: SqliteMasterTable;
  };

/** SQLite's schema table, read to learn whether another domain's tables exist in this database. */
interface SqliteMasterTable {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

export type DjDb = TypedDb<DjReadTables>;

export function djDb(db: Db): DjDb {
  return typedDb<DjReadTables>(db);
}

/**
 * SQL text with `?` placeholders and its parameters, in order, as a Kysely
 * fragment. The DJ query compiler (query-sql.ts) builds conditions this way:
 * fixed fragments chosen by the query's shape, user values only as parameters,
 * so a `?` in the text is always a placeholder.
 */
export function fragment<T = unknown>(text: string, params: readonly unknown[]): RawBuilder<T> {
  const parts = text.split('?');
  if (parts.length !== params.length + 1)
    throw new Error(`SQL fragment has ${parts.length - 1} placeholders for ${params.length} parameters`);
  const strings = Object.assign([...parts], { raw: [...parts] }) as TemplateStringsArray;
  return sql<T>(strings, ...params);
}

/**
 * A whole query written in SQL, for `all`/`get`/`run`: what the builder cannot
 * say (INDEXED BY, derived tables of SQL text, json_each). `Row` is what its
 * select list names.
 */
export function sqlQuery<Row>(db: DjDb, query: RawBuilder<Row>): Compilable<Row> {
  return { compile: () => query.compile(db.q) };
}

/**
 * A query compiled once and run with new values: for loops over many rows
 * (a Rekordbox collection's 100,000 tracks, a crate's items). Building and
 * compiling a Kysely query costs 10–20 µs, more than the indexed lookup it
 * runs (measured, 100,000 path lookups in 100,000 tracks: 0.7–0.95 s as one
 * raw prepared statement, 2.7–3.1 s built per row, about 1.0 s reused), so a
 * hot loop builds it once.
 * `sample` holds a distinct stand-in for each argument; compiling checks that
 * each becomes exactly one parameter, in order, so the values can be swapped.
 */
export function reusable<Row, Args extends unknown[]>(
  build: (...args: Args) => Compilable<Row>,
  sample: Args,
): (...args: Args) => Compilable<Row> {
  const compiled = build(...sample).compile();
  const inOrder =
    compiled.parameters.length === sample.length && compiled.parameters.every((p, i) => p === sample[i]);
  if (!inOrder) throw new Error(`A reusable query must bind each argument once, in order: ${compiled.sql}`);
  return (...args) => ({ compile: () => ({ ...compiled, parameters: args }) });
}
