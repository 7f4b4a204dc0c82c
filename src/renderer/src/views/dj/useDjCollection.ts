import { useQueryClient } from '@tanstack/react-query';
import { useState, type DragEvent } from 'react';
import { djTrackRef, type DjTrack, type LocalDjTrack } from '../../../../shared/contract/dj';
import { useCall } from '../../api/queries';
import { fetchRows, usePagedWindow } from '../../hooks/usePagedWindow';
import { usePlayer } from '../../player/store';
import { addToList, fromDj, isItemList, trackLabel } from './actions';
import { useDjView } from './dj-store';
import { useDjColumns, useNotation, useTrackMenu } from './dj-tracks';
import { setDragRefs } from './dnd';
import { queryError } from './QueryBox';

/** The collection's query (a query with an error keeps showing the last valid result) and its paged rows. */
function useCollectionQuery() {
  const { queryText, setQueryText, sort, direction, sortBy } = useDjView();
  const error = queryError(queryText);
  const [validQuery, setValidQuery] = useState('');
  if (!error && queryText !== validQuery) setValidQuery(queryText);
  const base = { query: validQuery, sort, direction, status: 'ok' as const };
  const [range, setRange] = useState<{ start: number; end: number } | null>(null);
  const paged = usePagedWindow('dj.query', base, range);
  return { queryText, setQueryText, sort, direction, sortBy, validQuery, base, paged, setRange };
}

/** The collection view's state: query, selection, the list to add to, the tag editor and the import dialog. */
export function useDjCollection() {
  const client = useQueryClient();
  const notation = useNotation();
  const query = useCollectionQuery();
  const [selected, setSelected] = useState<number[]>([]);
  const [target, setTarget] = useState('');
  const [editing, setEditing] = useState<LocalDjTrack | null>(null);
  const [importing, setImporting] = useState(false);
  const lists = useCall('dj.lists', {});
  const itemLists = (lists.data ?? []).filter(isItemList);
  const rowsAt = (indices: number[]) => fetchRows(client, 'dj.query', query.base, indices);
  const selectionFor = (index: number) => rowsAt(selected.includes(index) ? selected : [index]);
  const menu = useTrackMenu(lists.data ?? [], selectionFor, setEditing);
  const selectedLocal = selected.length === 1 ? query.paged.rowAt(selected[0]!) : undefined;
  const targetList = itemLists.find((l) => String(l.id) === target) ?? itemLists[0];
  return {
    ...query,
    notation,
    columns: useDjColumns(notation, true),
    selected,
    setSelected,
    itemLists,
    targetList,
    setTarget,
    addSelection: () =>
      targetList && void rowsAt(selected).then((rows) => addToList(targetList, rows.map(djTrackRef))),
    selectedLocal,
    editing,
    setEditing,
    importing,
    setImporting,
    afterImport: () => void client.invalidateQueries({ queryKey: ['dj.lists'] }),
    menu,
    play: (index: number) =>
      void rowsAt([index]).then((rows) => usePlayer.getState().playTracks(rows.map(fromDj))),
    dragRows: (index: number, event: DragEvent) => {
      const indices = selected.includes(index) ? selected : [index];
      const rows = indices.map((i) => query.paged.rowAt(i)).filter((r): r is DjTrack => !!r);
      setDragRefs(event, rows.map(djTrackRef), rows.map(trackLabel).join('\n'));
    },
  };
}

export type DjCollectionState = ReturnType<typeof useDjCollection>;
