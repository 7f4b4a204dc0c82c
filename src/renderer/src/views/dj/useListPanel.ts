import { useQueryClient } from '@tanstack/react-query';
import { useState, type DragEvent } from 'react';
import type { DjList, DjTrack, LocalDjTrack } from '../../../../shared/contract/dj';
import { useCallMutation } from '../../api/queries';
import { fetchRows, usePagedWindow } from '../../hooks/usePagedWindow';
import { describeError } from '../../lib/describe-error';
import { usePlayer } from '../../player/store';
import { useNavigation } from '../../store/navigation';
import { addToList, fromDj, isItemList } from './actions';
import { useNotation, useTrackMenu } from './dj-tracks';
import { ITEMS_TYPE, REFS_TYPE, hasType, readDragRefs } from './dnd';
import { useItemColumns } from './list-columns';
import { queryError } from './QueryBox';

/** Runs a list action; its failure is the view's one error line (cleared when the next action starts). */
export function useListAction() {
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(describeError(e));
    }
  };
  return { error, run };
}

export type RunAction = ReturnType<typeof useListAction>['run'];

/** The list itself: rename, move to a folder, delete, a smart list's query, and the export dialog. */
export function useListEditing(list: DjList, run: RunAction) {
  const go = useNavigation((s) => s.go);
  const rename = useCallMutation('dj.renameList');
  const move = useCallMutation('dj.moveList');
  const remove = useCallMutation('dj.deleteList');
  const updateSmart = useCallMutation('dj.updateSmartList');
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [smartQuery, setSmartQuery] = useState(list.query ?? '');
  return {
    renaming,
    setRenaming,
    confirmDelete,
    setConfirmDelete,
    exporting,
    setExporting,
    smartQuery,
    setSmartQuery,
    saveName: (name: string) =>
      void run(() => rename.mutateAsync({ id: list.id, name })).then(() => setRenaming(null)),
    moveTo: (parentId: number | null) =>
      void run(() => move.mutateAsync({ id: list.id, parentId, beforeId: null })),
    deleteList: () =>
      void run(async () => {
        await remove.mutateAsync({ id: list.id });
        go('dj');
      }),
    saveQuery: () => {
      if (!queryError(smartQuery))
        void run(() => updateSmart.mutateAsync({ id: list.id, query: smartQuery }));
    },
  };
}

export type ListEditing = ReturnType<typeof useListEditing>;

/** The list's items: paged rows, selection, move up/down, remove, drag to reorder or add, play, context menu. */
export function useListItems(
  list: DjList,
  lists: DjList[],
  run: RunAction,
  onEditTags: (t: LocalDjTrack) => void,
) {
  const client = useQueryClient();
  const moveItems = useCallMutation('dj.moveItems');
  const removeItems = useCallMutation('dj.removeItems');
  const [range, setRange] = useState<{ start: number; end: number } | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const base = { id: list.id };
  const paged = usePagedWindow('dj.listItems', base, range);
  const rowsAt = (indices: number[]) => fetchRows(client, 'dj.listItems', base, indices);
  const itemIds = async (indices: number[]) =>
    (await rowsAt(indices)).map((r) => r.itemId).filter((x): x is number => x !== null);
  const tracksAt = async (indices: number[]) =>
    (await rowsAt(indices)).map((r) => r.track).filter((x): x is DjTrack => !!x);
  const moveSelection = (delta: -1 | 1) =>
    void run(async () => {
      const ids = await itemIds(selected);
      // Before the item above the first (up), or before the one two below the last (down).
      const beforeIndex = delta < 0 ? Math.min(...selected) - 1 : Math.max(...selected) + 2;
      if (beforeIndex < 0) return;
      const before =
        beforeIndex < (paged.total ?? 0) ? ((await rowsAt([beforeIndex]))[0]?.itemId ?? null) : null;
      await moveItems.mutateAsync({ listId: list.id, itemIds: ids, beforeItemId: before });
      setSelected([]);
    });
  const removeSelection = () =>
    void run(async () => {
      await removeItems.mutateAsync({ listId: list.id, itemIds: await itemIds(selected) });
      setSelected([]);
    });
  const drag = useItemDrag(
    list,
    selected,
    paged.rowAt,
    (ids, before) =>
      void run(() => moveItems.mutateAsync({ listId: list.id, itemIds: ids, beforeItemId: before })),
  );
  const menu = useTrackMenu(
    lists,
    (index) => tracksAt(selected.includes(index) ? selected : [index]),
    onEditTags,
  );
  const columns = useItemColumns(useNotation());
  return {
    paged,
    columns,
    selected,
    setSelected,
    setRange,
    editable: isItemList(list),
    moveSelection,
    removeSelection,
    play: (index: number) =>
      void tracksAt([index]).then((tracks) => usePlayer.getState().playTracks(tracks.map(fromDj))),
    drag,
    menu,
  };
}

export type ListItems = ReturnType<typeof useListItems>;

/** Dragging items to reorder them, and dropping tracks from elsewhere to add them. */
function useItemDrag(
  list: DjList,
  selected: number[],
  rowAt: (index: number) => { itemId: number | null } | undefined,
  moveBefore: (ids: number[], before: number | null) => void,
) {
  return {
    onRowDragStart: (index: number, event: DragEvent) => {
      const indices = selected.includes(index) ? selected : [index];
      const ids = indices.map((i) => rowAt(i)?.itemId).filter((x): x is number => typeof x === 'number');
      event.dataTransfer.setData(ITEMS_TYPE, JSON.stringify(ids));
      event.dataTransfer.effectAllowed = 'move';
    },
    onRowDragOver: (_index: number, event: DragEvent) => {
      if (hasType(event, ITEMS_TYPE) || hasType(event, REFS_TYPE)) {
        event.preventDefault();
        event.dataTransfer.dropEffect = hasType(event, ITEMS_TYPE) ? 'move' : 'copy';
      }
    },
    onRowDrop: (index: number, event: DragEvent) => {
      event.preventDefault();
      const before = rowAt(index)?.itemId ?? null;
      const raw = event.dataTransfer.getData(ITEMS_TYPE);
      if (raw) {
        const ids = JSON.parse(raw) as number[];
        if (before === null || !ids.includes(before)) moveBefore(ids, before);
        return;
      }
      const refs = readDragRefs(event);
      if (refs) void addToList(list, refs);
    },
  };
}
