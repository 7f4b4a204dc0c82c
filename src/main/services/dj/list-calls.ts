import { djTrackRef, type DjList, type ListItem, type TrackRef } from '../../../shared/contract/dj';
import { countSmart, listsChanged, type DjInput, type DjParts } from './dj-parts';
import { importPlaylist } from './import-playlist';
import { importRekordboxXml } from './import-rekordbox';
import { coopTrackById, trackById, trackLabel } from './track-rows';

/** A track's label for a list row, or null when the library or the co-op cache does not know it. */
function labelOf(p: DjParts, ref: TrackRef): string | null {
  const { db } = p.deps;
  if (ref.source === 'local') {
    const t = trackById(db, ref.id);
    return t ? trackLabel(t) : null;
  }
  const c = coopTrackById(db, ref.id);
  return c ? trackLabel(c) : null;
}

/** A page of a list's rows: a smart list runs its query; a crate or playlist reads its items; a folder has none. */
function itemsOf(
  p: DjParts,
  list: DjList,
  offset: number,
  limit: number,
): { total: number; rows: ListItem[] } {
  if (list.kind === 'folder') return { total: 0, rows: [] };
  if (list.kind === 'smart') {
    const page = p.queries.run({
      query: list.query ?? '',
      offset,
      limit,
      sort: list.sort ?? 'artist',
      direction: list.direction ?? 'asc',
      status: 'ok',
    });
    return {
      total: page.total,
      rows: page.rows.map((track, i) => ({
        itemId: null,
        ref: djTrackRef(track),
        position: offset + i,
        addedAt: null,
        label: trackLabel(track),
        track,
      })),
    };
  }
  const { db } = p.deps;
  // The place in the list (0, 1, 2 …), not the stored sort key (spaced out for cheap inserts: 1024, 2048 …).
  const rows = p.lists.items(list.id, offset, limit).map((item, i) => ({
    itemId: item.id,
    ref: item.ref,
    position: offset + i,
    addedAt: item.addedAt,
    label: item.label,
    track: item.ref.source === 'local' ? trackById(db, item.ref.id) : coopTrackById(db, item.ref.id),
  }));
  return { total: p.lists.itemCount(list.id), rows };
}

/** `dj.listItems` */
export function listItems(p: DjParts, { id, offset, limit }: DjInput<'dj.listItems'>) {
  const { total, rows } = itemsOf(p, p.lists.get(id), offset, limit);
  return { total, offset, rows };
}

/** `dj.addItems`: known tracks are added (a duplicate is reported, not added twice); unknown ones are reported. */
export function addItems(p: DjParts, { listId, refs, beforeItemId }: DjInput<'dj.addItems'>) {
  const known: { ref: TrackRef; label: string }[] = [];
  const unknown: TrackRef[] = [];
  for (const ref of refs) {
    const label = labelOf(p, ref);
    if (label === null) unknown.push(ref);
    else known.push({ ref, label });
  }
  const { added, duplicates } = known.length
    ? p.lists.addItems(listId, known, beforeItemId)
    : { added: 0, duplicates: [] };
  if (added) listsChanged(p, listId);
  return { added, duplicates, unknown };
}

/** After a change to list `id` (created, renamed, moved, updated): tells the renderer, answers the list as it is now. */
export function changedList(p: DjParts, id: number): DjList {
  listsChanged(p, id);
  return p.lists.get(id, countSmart(p));
}

/** `dj.importPlaylist`: an M3U/PLS file as a new crate. */
export async function importPlaylistCall(p: DjParts, input: DjInput<'dj.importPlaylist'>) {
  const { listId, matched, unmatched } = await importPlaylist(p.deps.db, p.lists, input);
  listsChanged(p, listId);
  return { list: p.lists.get(listId), matched, unmatched };
}

/** `dj.importRekordbox`: a Rekordbox XML's playlist tree as folders and crates. */
export async function importRekordboxCall(p: DjParts, input: DjInput<'dj.importRekordbox'>) {
  const { listIds, matched, unmatched } = await importRekordboxXml(p.deps.db, p.lists, input);
  listsChanged(p, null);
  return { lists: listIds.map((id) => p.lists.get(id)), matched, unmatched };
}
