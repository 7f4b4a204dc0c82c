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
