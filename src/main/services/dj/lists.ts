import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import { CallError } from '../../../shared/contract/define';
import type { DjList, ListKind, TrackRef } from '../../../shared/contract/dj';
import { trackSortFieldSchema, type TrackSortField } from '../../../shared/contract/library';
import { parseQuery } from '../../../shared/query';
import { djDb, reusable, type DjDb } from './dj-db';
import { POSITION_STEP } from './schema';
import type { DjListsTable, DjTables } from './tables';

/**
 * Folders, crates, playlists and smart playlists, and the items of crates
 * and playlists. Every change runs in one transaction.
 */
type ListRow = Selectable<DjListsTable>;

/** `coalesce(parent_id, 0) = coalesce(?, 0)`: the lists beside each other (the form the sibling-name index holds). */
function siblingsIn(parentId: number | null) {
  return (eb: ExpressionBuilder<DjTables, 'dj_lists'>) =>
    eb(eb.fn.coalesce('parent_id', eb.lit(0)), '=', eb.fn.coalesce(eb.val(parentId), eb.lit(0)));
}

export interface StoredItem {
  id: number;
  ref: TrackRef;
  position: number;
  label: string;
  addedAt: number;
}

export interface NewList {
  kind: ListKind;
  name: string;
  parentId: number | null;
  query?: string;
  sort?: TrackSortField;
  direction?: 'asc' | 'desc';
}

/** How a smart playlist counts its tracks (the query service knows how). */
export type CountSmart = (query: string) => number;

export class ListStore {
  private readonly db: DjDb;
  /** Parks and compacts run it once per item: compiled once (see `reusable`). */
  private readonly setPositionQuery;

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.db = djDb(db);
    const { q } = this.db;
    this.setPositionQuery = reusable(
      (position: number, itemId: number) =>
        q.updateTable('dj_list_items').set({ position }).where('id', '=', itemId),
      [-1, -2],
    );
  }

  all(countSmart: CountSmart): DjList[] {
    const { q } = this.db;
    const rows = this.db.all(
      q
        .selectFrom('dj_lists as l')
        .selectAll('l')
        .select((eb) =>
          eb
            .selectFrom('dj_list_items as i')
            .whereRef('i.list_id', '=', 'l.id')
            .select(eb.fn.countAll<number>().as('n'))
            .$asScalar()
            .$notNull()
            .as('item_count'),
        )
        .orderBy((eb) => eb.fn.coalesce('l.parent_id', eb.lit(0)))
        .orderBy('l.position')
        .orderBy('l.id'),
    );
    return rows.map((r) => toList(r, countSmart));
  }

  get(id: number, countSmart: CountSmart = () => 0): DjList {
    return toList({ ...this.row(id), item_count: this.itemCount(id) }, countSmart);
  }

  findByName(name: string): DjList | null {
    const row = this.db.get(
      this.db.q
        .selectFrom('dj_lists')
        .selectAll()
        .where('name', '=', sql<string>`${name} COLLATE NOCASE`)
        .orderBy('id')
        .limit(1),
    );
    return row ? toList({ ...row, item_count: 0 }, () => 0) : null;
  }

  create(input: NewList): number {
    if (input.kind === 'smart') checkQuery(input.query ?? '');
    const { q } = this.db;
    return this.db.raw.transaction(() => {
      this.checkParent(input.parentId, null);
      this.checkNameFree(input.parentId, input.name, null);
      const now = this.clock.nowMs();
      const last = this.db.get(
        q
          .selectFrom('dj_lists')
          .select((eb) => eb.fn.max<number | null>('position').as('p'))
          .where(siblingsIn(input.parentId)),
      );
      const smart = input.kind === 'smart';
      const result = this.db.run(
        q.insertInto('dj_lists').values({
          parent_id: input.parentId,
          kind: input.kind,
          name: input.name,
          position: (last?.p ?? 0) + POSITION_STEP,
          query: smart ? (input.query ?? '') : null,
          sort: smart ? (input.sort ?? 'artist') : null,
          direction: smart ? (input.direction ?? 'asc') : null,
          created_at: now,
          updated_at: now,
        }),
      );
      return Number(result.lastInsertRowid);
    })();
  }

  rename(id: number, name: string): void {
    this.db.raw.transaction(() => {
      const row = this.row(id);
      this.checkNameFree(row.parent_id, name, id);
      this.db.run(
        this.db.q.updateTable('dj_lists').set({ name, updated_at: this.clock.nowMs() }).where('id', '=', id),
      );
    })();
  }

  updateSmart(id: number, query: string, sort?: TrackSortField, direction?: 'asc' | 'desc'): void {
    checkQuery(query);
    const row = this.row(id);
    if (row.kind !== 'smart') throw new CallError('conflict', `"${row.name}" is not a smart playlist`);
    this.db.run(
      this.db.q
        .updateTable('dj_lists')
        .set({
          query,
          sort: sort ?? row.sort,
          direction: direction ?? row.direction,
          updated_at: this.clock.nowMs(),
        })
        .where('id', '=', id),
    );
  }

  /** Moves a list into a folder (or the top level), before a sibling or last. */
  move(id: number, parentId: number | null, beforeId: number | null): void {
    const { q } = this.db;
    this.db.raw.transaction(() => {
      const row = this.row(id);
      this.checkParent(parentId, id);
      this.checkNameFree(parentId, row.name, id);
      const siblings = this.db
        .all(
          q
            .selectFrom('dj_lists')
            .select('id')
            .where(siblingsIn(parentId))
            .where('id', '!=', id)
            .orderBy('position')
            .orderBy('id'),
        )
        .map((r) => r.id);
      const at = beforeId === null ? siblings.length : siblings.indexOf(beforeId);
      if (at < 0) throw new CallError('not_found', `No list ${beforeId} in that folder`);
      siblings.splice(at, 0, id);
      const now = this.clock.nowMs();
      siblings.forEach((sibling, i) =>
        this.db.run(
          q
            .updateTable('dj_lists')
            .set({ parent_id: parentId, position: (i + 1) * POSITION_STEP, updated_at: now })
            .where('id', '=', sibling),
        ),
      );
    })();
  }

  /** Deletes a list; a folder takes its contents with it. Answers how many lists went. */
  delete(id: number): number {
    const { q } = this.db;
    return this.db.raw.transaction(() => {
      this.row(id);
      const count = this.db.get(
        q
          .withRecursive('sub(id)', (db) =>
            db
              .selectNoFrom((eb) => eb.val(id).as('id'))
              .unionAll(
                db.selectFrom('dj_lists as l').innerJoin('sub', 'sub.id', 'l.parent_id').select('l.id'),
              ),
          )
          .selectFrom('sub')
          .select((eb) => eb.fn.countAll<number>().as('n')),
      );
      this.db.run(q.deleteFrom('dj_lists').where('id', '=', id));
      return count?.n ?? 0;
    })();
  }

  // ----- items -----

  itemCount(listId: number): number {
    const row = this.db.get(
      this.db.q
        .selectFrom('dj_list_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('list_id', '=', listId),
    );
    return row?.n ?? 0;
  }

  items(listId: number, offset = 0, limit = -1): StoredItem[] {
    const rows = this.db.all(
      this.db.q
        .selectFrom('dj_list_items')
        .select(['id', 'source', 'ref', 'position', 'label', 'added_at'])
        .where('list_id', '=', listId)
        .orderBy('position')
        .orderBy('id')
        .limit(limit)
        .offset(offset),
    );
    return rows.map((r) => ({
      id: r.id,
      ref: refFromRow(r.source, r.ref),
      position: r.position,
      label: r.label,
      addedAt: r.added_at,
    }));
  }

  /**
   * Adds tracks before an item (or at the end), in the order given. A track
   * already in the list (or twice in the request) is reported, not added.
   */
  addItems(
    listId: number,
    entries: { ref: TrackRef; label: string }[],
    beforeItemId: number | null,
  ): { added: number; duplicates: TrackRef[] } {
    const { q } = this.db;
    return this.db.raw.transaction(() => {
      this.itemList(listId);
      const existsQuery = reusable(
        (list: number, source: TrackRef['source'], ref: string) =>
          q
            .selectFrom('dj_list_items')
            .select((eb) => eb.lit(1).as('found'))
            .where('list_id', '=', list)
            .where('source', '=', source)
            .where('ref', '=', ref),
        [-1, 'local', '?ref'],
      );
      const exists = (ref: TrackRef) => this.db.get(existsQuery(listId, ref.source, String(ref.id)));
      const seen = new Set<string>();
      const fresh: { ref: TrackRef; label: string }[] = [];
      const duplicates: TrackRef[] = [];
      for (const entry of entries) {
        const key = `${entry.ref.source}:${entry.ref.id}`;
        if (seen.has(key) || exists(entry.ref)) duplicates.push(entry.ref);
        else fresh.push(entry);
        seen.add(key);
      }
      if (fresh.length === 0) return { added: 0, duplicates };
      const positions = this.gapFor(listId, beforeItemId, fresh.length);
      const insert = reusable(
        (
          list_id: number,
          source: TrackRef['source'],
          ref: string,
          position: number,
          label: string,
          added_at: number,
        ) => q.insertInto('dj_list_items').values({ list_id, source, ref, position, label, added_at }),
        [-1, 'local', '?ref', -2, '?label', -3],
      );
      const now = this.clock.nowMs();
      fresh.forEach((entry, i) =>
        this.db.run(insert(listId, entry.ref.source, String(entry.ref.id), positions[i]!, entry.label, now)),
      );
      this.touch(listId);
      return { added: fresh.length, duplicates };
    })();
  }

  removeItems(listId: number, itemIds: number[]): number {
    const { q } = this.db;
    return this.db.raw.transaction(() => {
      this.itemList(listId);
      const remove = (id: number) =>
        this.db.run(q.deleteFrom('dj_list_items').where('list_id', '=', listId).where('id', '=', id)).changes;
      const removed = itemIds.reduce((n, id) => n + remove(id), 0);
      this.touch(listId);
      return removed;
    })();
  }

  /** Moves items (in their current list order) to just before `beforeItemId`, or to the end. */
  moveItems(listId: number, itemIds: number[], beforeItemId: number | null): number {
    return this.db.raw.transaction(() => {
      this.itemList(listId);
      const wanted = new Set(itemIds);
      if (beforeItemId !== null && wanted.has(beforeItemId))
        throw new CallError('conflict', 'Cannot move items before one of themselves');
      const moving = this.items(listId).filter((item) => wanted.has(item.id));
      if (moving.length !== wanted.size) throw new CallError('not_found', 'Some items are not in this list');
      // Park the moving rows out of the way so the gap search sees only the others.
      moving.forEach((item, i) => this.setPosition(item.id, -1 - i));
      const positions = this.gapFor(listId, beforeItemId, moving.length, true);
      moving.forEach((item, i) => this.setPosition(item.id, positions[i]!));
      this.touch(listId);
      return moving.length;
    })();
  }

  /** Renumbers a list's items 1×STEP, 2×STEP, … keeping their order. */
  compact(listId: number): void {
    const ids = this.db.all(
      this.db.q
        .selectFrom('dj_list_items')
        .select('id')
        .where('list_id', '=', listId)
        .where('position', '>=', 0)
        .orderBy('position')
        .orderBy('id'),
    );
    ids.forEach((row, i) => this.setPosition(row.id, (i + 1) * POSITION_STEP));
  }

  private setPosition(itemId: number, position: number): void {
    this.db.run(this.setPositionQuery(position, itemId));
  }

  /**
   * `count` free integer positions, in order, before `beforeItemId` (or at
   * the end). Compacts the list first when the neighbours are too close.
   */
  private gapFor(listId: number, beforeItemId: number | null, count: number, ignoreParked = false): number[] {
    const { q } = this.db;
    const lastBelow = (below: number | null) =>
      this.db.get(
        q
          .selectFrom('dj_list_items')
          .select((eb) => eb.fn.max<number | null>('position').as('p'))
          .where('list_id', '=', listId)
          .$if(below !== null, (qb) => qb.where('position', '<', below!))
          .$if(ignoreParked, (qb) => qb.where('position', '>=', 0)),
      )?.p ?? 0;
    for (let attempt = 0; attempt < 2; attempt++) {
      let low: number;
      let high: number;
      if (beforeItemId === null) {
        low = lastBelow(null);
        high = low + (count + 1) * POSITION_STEP;
      } else {
        const before = this.db.get(
          q
            .selectFrom('dj_list_items')
            .select('position')
            .where('id', '=', beforeItemId)
            .where('list_id', '=', listId),
        );
        if (!before) throw new CallError('not_found', `No item ${beforeItemId} in this list`);
        high = before.position;
        low = lastBelow(high);
      }
      const step = Math.floor((high - low) / (count + 1));
      if (step >= 1) return Array.from({ length: count }, (_, i) => low + step * (i + 1));
      this.compact(listId);
    }
    throw new Error('No room between list positions even after compacting');
  }

  private touch(listId: number): void {
    this.db.run(
      this.db.q.updateTable('dj_lists').set({ updated_at: this.clock.nowMs() }).where('id', '=', listId),
    );
  }

  private row(id: number): ListRow {
    const row = this.db.get(this.db.q.selectFrom('dj_lists').selectAll().where('id', '=', id));
    if (!row) throw new CallError('not_found', `No list ${id}`);
    return row;
  }

  /** A list that holds items: a crate or a playlist. */
  private itemList(id: number): ListRow {
    const row = this.row(id);
    if (row.kind !== 'crate' && row.kind !== 'playlist') {
      throw new CallError(
        'conflict',
        `"${row.name}" is a ${row.kind === 'smart' ? 'smart playlist (edit its query)' : 'folder'}; add tracks to a crate or playlist`,
      );
    }
    return row;
  }

  private checkParent(parentId: number | null, movingId: number | null): void {
    if (parentId === null) return;
    const parent = this.row(parentId);
    if (parent.kind !== 'folder') throw new CallError('conflict', `"${parent.name}" is not a folder`);
    if (movingId === null) return;
    // A folder cannot move into itself or its own descendants.
    const ancestors = this.db.all(
      this.db.q
        .withRecursive('up(id, parent_id)', (db) =>
          db
            .selectFrom('dj_lists')
            .select(['id', 'parent_id'])
            .where('id', '=', parentId)
            .unionAll(
              db
                .selectFrom('dj_lists as l')
                .innerJoin('up', 'l.id', 'up.parent_id')
                .select(['l.id', 'l.parent_id']),
            ),
        )
        .selectFrom('up')
        .select('id'),
    );
    if (ancestors.some((a) => a.id === movingId))
      throw new CallError('conflict', 'A folder cannot go inside itself');
  }

  private checkNameFree(parentId: number | null, name: string, exceptId: number | null): void {
    const clash = this.db.get(
      this.db.q
        .selectFrom('dj_lists')
        .select('id')
        .where(siblingsIn(parentId))
        .where('name', '=', sql<string>`${name} COLLATE NOCASE`)
        .where('id', '!=', exceptId ?? -1),
    );
    if (clash) throw new CallError('conflict', `There is already a list named "${name}" here`);
  }
}

function checkQuery(query: string): void {
  const parsed = parseQuery(query);
  if (!parsed.ok) {
    throw new CallError('invalid_input', `Query: ${parsed.error.message} (at ${parsed.error.position + 1})`, [
      { path: 'query', message: parsed.error.message },
    ]);
  }
}

export function refFromRow(source: 'local' | 'coop', ref: string): TrackRef {
  return source === 'local' ? { source, id: Number(ref) } : { source, id: ref };
}

/** A stored sort field, if it is still one the app knows. */
function storedSort(sort: string | null): TrackSortField | null {
  const known = trackSortFieldSchema.safeParse(sort);
  return known.success ? known.data : null;
}

function toList(row: ListRow & { item_count: number }, countSmart: CountSmart): DjList {
  return {
    id: row.id,
    parentId: row.parent_id,
    kind: row.kind,
    name: row.name,
    position: row.position,
    itemCount:
      row.kind === 'smart' ? countSmart(row.query ?? '') : row.kind === 'folder' ? 0 : row.item_count,
    query: row.query,
    sort: storedSort(row.sort),
    direction: row.direction,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
