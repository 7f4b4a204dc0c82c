import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import { CallError } from '../../../shared/contract/define';
import type { DjList, ListKind, TrackRef } from '../../../shared/contract/dj';
import type { TrackSortField } from '../../../shared/contract/library';
import { parseQuery } from '../../../shared/query';
import { POSITION_STEP } from './schema';

/**
 * Folders, crates, playlists and smart playlists, and the items of crates
 * and playlists. Every change runs in one transaction.
 */
interface ListRow {
  id: number;
  parent_id: number | null;
  kind: ListKind;
  name: string;
  position: number;
  query: string | null;
  sort: TrackSortField | null;
  direction: 'asc' | 'desc' | null;
  created_at: number;
  updated_at: number;
  item_count: number;
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
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  all(countSmart: CountSmart): DjList[] {
    const rows = this.db
      .prepare(
        `SELECT l.*, (SELECT count(*) FROM dj_list_items i WHERE i.list_id = l.id) AS item_count
         FROM dj_lists l ORDER BY coalesce(l.parent_id, 0), l.position, l.id`,
      )
      .all() as ListRow[];
    return rows.map((r) => toList(r, countSmart));
  }

  get(id: number, countSmart: CountSmart = () => 0): DjList {
    return toList({ ...this.row(id), item_count: this.itemCount(id) }, countSmart);
  }

  findByName(name: string): DjList | null {
    const row = this.db
      .prepare('SELECT *, 0 AS item_count FROM dj_lists WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1')
      .get(name) as ListRow | undefined;
    return row ? toList(row, () => 0) : null;
  }

  create(input: NewList): number {
    if (input.kind === 'smart') checkQuery(input.query ?? '');
    return this.db.transaction(() => {
      this.checkParent(input.parentId, null);
      this.checkNameFree(input.parentId, input.name, null);
      const now = this.clock.nowMs();
      const last = this.db
        .prepare('SELECT max(position) AS p FROM dj_lists WHERE coalesce(parent_id, 0) = coalesce(?, 0)')
        .get(input.parentId) as { p: number | null };
      const smart = input.kind === 'smart';
      const result = this.db
        .prepare(
          `INSERT INTO dj_lists (parent_id, kind, name, position, query, sort, direction, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.parentId,
          input.kind,
          input.name,
          (last.p ?? 0) + POSITION_STEP,
          smart ? (input.query ?? '') : null,
          smart ? (input.sort ?? 'artist') : null,
          smart ? (input.direction ?? 'asc') : null,
          now,
          now,
        );
      return Number(result.lastInsertRowid);
    })();
  }

  rename(id: number, name: string): void {
    this.db.transaction(() => {
      const row = this.row(id);
      this.checkNameFree(row.parent_id, name, id);
      this.db
        .prepare('UPDATE dj_lists SET name = ?, updated_at = ? WHERE id = ?')
        .run(name, this.clock.nowMs(), id);
    })();
  }

  updateSmart(id: number, query: string, sort?: TrackSortField, direction?: 'asc' | 'desc'): void {
    checkQuery(query);
    const row = this.row(id);
    if (row.kind !== 'smart') throw new CallError('conflict', `"${row.name}" is not a smart playlist`);
    this.db
      .prepare('UPDATE dj_lists SET query = ?, sort = ?, direction = ?, updated_at = ? WHERE id = ?')
      .run(query, sort ?? row.sort, direction ?? row.direction, this.clock.nowMs(), id);
  }

  /** Moves a list into a folder (or the top level), before a sibling or last. */
  move(id: number, parentId: number | null, beforeId: number | null): void {
    this.db.transaction(() => {
      const row = this.row(id);
      this.checkParent(parentId, id);
      this.checkNameFree(parentId, row.name, id);
      const siblings = (
        this.db
          .prepare(
            'SELECT id FROM dj_lists WHERE coalesce(parent_id, 0) = coalesce(?, 0) AND id != ? ORDER BY position, id',
          )
          .all(parentId, id) as { id: number }[]
      ).map((r) => r.id);
      const at = beforeId === null ? siblings.length : siblings.indexOf(beforeId);
      if (at < 0) throw new CallError('not_found', `No list ${beforeId} in that folder`);
      siblings.splice(at, 0, id);
      const update = this.db.prepare(
        'UPDATE dj_lists SET parent_id = ?, position = ?, updated_at = ? WHERE id = ?',
      );
      const now = this.clock.nowMs();
      siblings.forEach((sibling, i) => update.run(parentId, (i + 1) * POSITION_STEP, now, sibling));
    })();
  }

  /** Deletes a list; a folder takes its contents with it. Answers how many lists went. */
  delete(id: number): number {
    return this.db.transaction(() => {
      this.row(id);
      const count = (
        this.db
          .prepare(
            `WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT l.id FROM dj_lists l JOIN sub ON l.parent_id = sub.id)
             SELECT count(*) AS n FROM sub`,
          )
          .get(id) as { n: number }
      ).n;
      this.db.prepare('DELETE FROM dj_lists WHERE id = ?').run(id);
      return count;
    })();
  }

  // ----- items -----

  itemCount(listId: number): number {
    return (
      this.db.prepare('SELECT count(*) AS n FROM dj_list_items WHERE list_id = ?').get(listId) as {
        n: number;
      }
    ).n;
  }

  items(listId: number, offset = 0, limit = -1): StoredItem[] {
    const rows = this.db
      .prepare(
        `SELECT id, source, ref, position, label, added_at FROM dj_list_items WHERE list_id = ?
         ORDER BY position, id LIMIT ? OFFSET ?`,
      )
      .all(listId, limit, offset) as {
      id: number;
      source: 'local' | 'coop';
      ref: string;
      position: number;
      label: string;
      added_at: number;
    }[];
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
    return this.db.transaction(() => {
      this.itemList(listId);
      const exists = this.db.prepare(
        'SELECT 1 FROM dj_list_items WHERE list_id = ? AND source = ? AND ref = ?',
      );
      const seen = new Set<string>();
      const fresh: { ref: TrackRef; label: string }[] = [];
      const duplicates: TrackRef[] = [];
      for (const entry of entries) {
        const key = `${entry.ref.source}:${entry.ref.id}`;
        if (seen.has(key) || exists.get(listId, entry.ref.source, String(entry.ref.id)))
          duplicates.push(entry.ref);
        else fresh.push(entry);
        seen.add(key);
      }
      if (fresh.length === 0) return { added: 0, duplicates };
      const positions = this.gapFor(listId, beforeItemId, fresh.length);
      const insert = this.db.prepare(
        'INSERT INTO dj_list_items (list_id, source, ref, position, label, added_at) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const now = this.clock.nowMs();
      fresh.forEach((entry, i) =>
        insert.run(listId, entry.ref.source, String(entry.ref.id), positions[i], entry.label, now),
      );
      this.touch(listId);
      return { added: fresh.length, duplicates };
    })();
  }

  removeItems(listId: number, itemIds: number[]): number {
    return this.db.transaction(() => {
      this.itemList(listId);
      const remove = this.db.prepare('DELETE FROM dj_list_items WHERE list_id = ? AND id = ?');
      const removed = itemIds.reduce((n, id) => n + remove.run(listId, id).changes, 0);
      this.touch(listId);
      return removed;
    })();
  }

  /** Moves items (in their current list order) to just before `beforeItemId`, or to the end. */
  moveItems(listId: number, itemIds: number[], beforeItemId: number | null): number {
    return this.db.transaction(() => {
      this.itemList(listId);
      const wanted = new Set(itemIds);
      if (beforeItemId !== null && wanted.has(beforeItemId))
        throw new CallError('conflict', 'Cannot move items before one of themselves');
      const moving = this.items(listId).filter((item) => wanted.has(item.id));
      if (moving.length !== wanted.size) throw new CallError('not_found', 'Some items are not in this list');
      // Park the moving rows out of the way so the gap search sees only the others.
      const park = this.db.prepare('UPDATE dj_list_items SET position = ? WHERE id = ?');
      moving.forEach((item, i) => park.run(-1 - i, item.id));
      const positions = this.gapFor(listId, beforeItemId, moving.length, true);
      moving.forEach((item, i) => park.run(positions[i], item.id));
      this.touch(listId);
      return moving.length;
    })();
  }

  /** Renumbers a list's items 1×STEP, 2×STEP, … keeping their order. */
  compact(listId: number): void {
    const ids = this.db
      .prepare('SELECT id FROM dj_list_items WHERE list_id = ? AND position >= 0 ORDER BY position, id')
      .all(listId) as { id: number }[];
    const update = this.db.prepare('UPDATE dj_list_items SET position = ? WHERE id = ?');
    ids.forEach((row, i) => update.run((i + 1) * POSITION_STEP, row.id));
  }

  /**
   * `count` free integer positions, in order, before `beforeItemId` (or at
   * the end). Compacts the list first when the neighbours are too close.
   */
  private gapFor(listId: number, beforeItemId: number | null, count: number, ignoreParked = false): number[] {
    const floor = ignoreParked ? 'AND position >= 0' : '';
    for (let attempt = 0; attempt < 2; attempt++) {
      let low: number;
      let high: number;
      if (beforeItemId === null) {
        const last = this.db
          .prepare(`SELECT max(position) AS p FROM dj_list_items WHERE list_id = ? ${floor}`)
          .get(listId) as { p: number | null };
        low = last.p ?? 0;
        high = low + (count + 1) * POSITION_STEP;
      } else {
        const before = this.db
          .prepare('SELECT position FROM dj_list_items WHERE id = ? AND list_id = ?')
          .get(beforeItemId, listId) as { position: number } | undefined;
        if (!before) throw new CallError('not_found', `No item ${beforeItemId} in this list`);
        high = before.position;
        const prev = this.db
          .prepare(`SELECT max(position) AS p FROM dj_list_items WHERE list_id = ? AND position < ? ${floor}`)
          .get(listId, high) as { p: number | null };
        low = prev.p ?? 0;
      }
      const step = Math.floor((high - low) / (count + 1));
      if (step >= 1) return Array.from({ length: count }, (_, i) => low + step * (i + 1));
      this.compact(listId);
    }
    throw new Error('No room between list positions even after compacting');
  }

  private touch(listId: number): void {
    this.db.prepare('UPDATE dj_lists SET updated_at = ? WHERE id = ?').run(this.clock.nowMs(), listId);
  }

  private row(id: number): ListRow {
    const row = this.db.prepare('SELECT *, 0 AS item_count FROM dj_lists WHERE id = ?').get(id) as
      ListRow | undefined;
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
    const ancestors = this.db
      .prepare(
        `WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM dj_lists WHERE id = ?
           UNION ALL SELECT l.id, l.parent_id FROM dj_lists l JOIN up ON l.id = up.parent_id)
         SELECT id FROM up`,
      )
      .all(parentId) as { id: number }[];
    if (ancestors.some((a) => a.id === movingId))
      throw new CallError('conflict', 'A folder cannot go inside itself');
  }

  private checkNameFree(parentId: number | null, name: string, exceptId: number | null): void {
    const clash = this.db
      .prepare(
        'SELECT id FROM dj_lists WHERE coalesce(parent_id, 0) = coalesce(?, 0) AND name = ? COLLATE NOCASE AND id != ?',
      )
      .get(parentId, name, exceptId ?? -1);
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

function toList(row: ListRow, countSmart: CountSmart): DjList {
  return {
    id: row.id,
    parentId: row.parent_id,
    kind: row.kind,
    name: row.name,
    position: row.position,
    itemCount:
      row.kind === 'smart' ? countSmart(row.query ?? '') : row.kind === 'folder' ? 0 : row.item_count,
    query: row.query,
    sort: row.sort,
    direction: row.direction,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
