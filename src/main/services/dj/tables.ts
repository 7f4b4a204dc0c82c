import type { Generated } from 'kysely';
import type { ListKind } from '../../../shared/contract/dj';

/**
 * The DJ domain's tables as its migrations create them (`schema.ts`,
 * dj-001), for typed queries through `typedDb`. SQLite storage types:
 * INTEGER → number, TEXT → string, nullable → `| null`; a TEXT column with a
 * CHECK list carries that list as its type; an INTEGER PRIMARY KEY the insert
 * leaves to SQLite is `Generated`. Keep in step with the
 * migrations: a column here without its migration is a lie the compiler
 * cannot catch.
 */

export interface DjListsTable {
  /** INTEGER PRIMARY KEY: SQLite assigns it on insert. */
  id: Generated<number>;
  /** The folder holding the list; null at the top level. ON DELETE CASCADE. */
  parent_id: number | null;
  /** CHECK (kind IN ('folder', 'crate', 'playlist', 'smart')). */
  kind: ListKind;
  /** Unique among siblings, COLLATE NOCASE (index dj_lists_sibling_name). */
  name: string;
  /** Integers with gaps of POSITION_STEP among siblings. */
  position: number;
  /** A smart playlist's query text; null for other kinds. */
  query: string | null;
  /** A smart playlist's sort field (a TrackSortField); null for other kinds. */
  sort: string | null;
  /** CHECK (direction IN ('asc', 'desc')); null for other kinds. */
  direction: 'asc' | 'desc' | null;
  created_at: number;
  updated_at: number;
}

export type DjItemSource = 'local' | 'coop';

export interface DjListItemsTable {
  /** INTEGER PRIMARY KEY: SQLite assigns it on insert. */
  id: Generated<number>;
  list_id: number;
  /** CHECK (source IN ('local', 'coop')). */
  source: DjItemSource;
  /** A library track id (as text) for `local`, a catalog id for `coop`. */
  ref: string;
  /** Integers with gaps of POSITION_STEP; negative only while parked inside a move. */
  position: number;
  /** "Artist – Title", shown while the track is not at hand. */
  label: string;
  added_at: number;
}

/** Every table the DJ domain's migrations create. */
export interface DjTables {
  dj_lists: DjListsTable;
  dj_list_items: DjListItemsTable;
}
