import { useQueryClient } from '@tanstack/react-query';
import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DjList, DjTrack, ListItem, LocalDjTrack } from '../../../../shared/contract/dj';
import { api } from '../../api/client';
import { useCall } from '../../api/queries';
import { DataGrid, type Column } from '../../components/DataGrid';
import { fetchRows, usePagedWindow } from '../../hooks/usePagedWindow';
import { formatDuration } from '../../lib/format';
import { usePlayer } from '../../player/store';
import { useNavigation } from '../../store/navigation';
import { addToList, fromDj, isItemList, refreshLists } from './actions';
import { describeError } from '../../lib/describe-error';
import { useDjView } from './dj-store';
import { keyOf, useNotation, useTrackMenu } from './dj-tracks';
import { ITEMS_TYPE, REFS_TYPE, hasType, readDragRefs } from './dnd';
import { ExportDialog } from './ExportDialog';
import { queryError, QueryBox } from './QueryBox';
import { RelocateMarker } from './RelocateMarker';
import { TagEditor } from './TagEditor';

function useItemColumns(notation: 'camelot' | 'musical'): Column<ListItem>[] {
  const { t } = useTranslation();
  const c = (key: string) => t(`tracks.columns.${key}`);
  const track = (render: (tr: DjTrack) => React.ReactNode) => (r: ListItem) =>
    r.track ? render(r.track) : '';
  return [
    { id: 'number', label: c('number'), width: 44, align: 'end', render: (r) => r.position + 1 },
    {
      id: 'title',
      label: c('title'),
      width: 240,
      render: (r) => <span className="cell-title">{r.track?.title ?? r.label}</span>,
    },
    { id: 'artist', label: c('artist'), width: 170, render: track((tr) => tr.artist) },
    {
      id: 'bpm',
      label: c('bpm'),
      width: 64,
      align: 'end',
      render: track((tr) => (tr.bpm ? Math.round(tr.bpm) : '')),
    },
    { id: 'key', label: c('key'), width: 60, render: track((tr) => keyOf(tr, notation)) },
    {
      id: 'duration',
      label: c('duration'),
      width: 64,
      align: 'end',
      render: track((tr) => formatDuration(tr.durationMs)),
    },
    { id: 'album', label: c('album'), width: 160, render: track((tr) => tr.album) },
    {
      id: 'state',
      label: t('dj.stateColumn'),
      width: 180,
      render: (r) =>
        !r.track ? (
          t('dj.gone')
        ) : r.track.source === 'local' && r.track.status === 'missing' ? (
          <RelocateMarker track={r.track} />
        ) : (
          ''
        ),
    },
  ];
}

/** One folder, crate, playlist or smart playlist: its tracks, reorder, remove, rename, move, delete, export. */
export function DjListView({ id }: { id: number }) {
  const { t } = useTranslation();
  const lists = useCall('dj.lists', {});
  const list = lists.data?.find((l) => l.id === id);
  if (lists.isLoading) return <section className="view">{t('grid.loading')}</section>;
  if (!list) {
    return (
      <section className="view">
        <p role="alert">{t('dj.listGone')}</p>
      </section>
    );
  }
  return <ListPanel list={list} lists={lists.data ?? []} />;
}

function ListPanel({ list, lists }: { list: DjList; lists: DjList[] }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const go = useNavigation((s) => s.go);
  const notation = useNotation();
  const { notice, setNotice } = useDjView();
  const [range, setRange] = useState<{ start: number; end: number } | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [editing, setEditing] = useState<LocalDjTrack | null>(null);
  const [smartQuery, setSmartQuery] = useState(list.query ?? '');
  const [error, setError] = useState<string | null>(null);
  const base = { id: list.id };
  const paged = usePagedWindow('dj.listItems', base, range);
  const columns = useItemColumns(notation);
  const rowsAt = (indices: number[]) => fetchRows(client, 'dj.listItems', base, indices);
  const editable = isItemList(list);
  const folders = lists.filter((l) => l.kind === 'folder' && l.id !== list.id);

  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      refreshLists();
    } catch (e) {
      setError(describeError(e));
    }
  };
  const itemIds = async (indices: number[]) =>
    (await rowsAt(indices)).map((r) => r.itemId).filter((x): x is number => x !== null);
  const moveSelection = (delta: -1 | 1) =>
    void run(async () => {
      const ids = await itemIds(selected);
      const first = Math.min(...selected);
      const last = Math.max(...selected);
      // Before the item above the first (up), or before the one two below the last (down).
      const beforeIndex = delta < 0 ? first - 1 : last + 2;
      if (beforeIndex < 0) return;
      const before =
        beforeIndex < (paged.total ?? 0) ? ((await rowsAt([beforeIndex]))[0]?.itemId ?? null) : null;
      await api.call('dj.moveItems', { listId: list.id, itemIds: ids, beforeItemId: before });
      setSelected([]);
    });
  const onRowDragOver = (_index: number, event: DragEvent) => {
    if (editable && (hasType(event, ITEMS_TYPE) || hasType(event, REFS_TYPE))) {
      event.preventDefault();
      event.dataTransfer.dropEffect = hasType(event, ITEMS_TYPE) ? 'move' : 'copy';
    }
  };
  const onRowDrop = (index: number, event: DragEvent) => {
    event.preventDefault();
    const before = paged.rowAt(index)?.itemId ?? null;
    const raw = event.dataTransfer.getData(ITEMS_TYPE);
    if (raw) {
      const ids = JSON.parse(raw) as number[];
      if (before !== null && ids.includes(before)) return;
      void run(() => api.call('dj.moveItems', { listId: list.id, itemIds: ids, beforeItemId: before }));
      return;
    }
    const refs = readDragRefs(event);
    if (refs) void addToList(list, refs);
  };
  const menu = useTrackMenu(
    lists,
    async (index) =>
      (await rowsAt(selected.includes(index) ? selected : [index]))
        .map((r) => r.track)
        .filter((x): x is DjTrack => !!x),
    setEditing,
  );

  return (
    <section className="view view-fill dj-view" aria-labelledby="dj-list-title">
      <div className="view-head">
        <h1 id="dj-list-title">{list.name}</h1>
        <span className="muted">{t(`dj.kinds.${list.kind}`)}</span>
        {list.kind !== 'folder' && (
          <span className="muted" role="status" data-testid="dj-list-count">
            {t('tracks.count', { count: paged.total ?? list.itemCount })}
          </span>
        )}
      </div>
      <div className="dj-list-actions" role="toolbar" aria-label={t('dj.listActions')}>
        {renaming === null ? (
          <button type="button" onClick={() => setRenaming(list.name)}>
            {t('dj.rename')}
          </button>
        ) : (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => api.call('dj.renameList', { id: list.id, name: renaming })).then(() =>
                setRenaming(null),
              );
            }}
          >
            <label className="inline-field">
              <span>{t('dj.nameLabel')}</span>
              <input value={renaming} onChange={(e) => setRenaming(e.target.value)} required />
            </label>
            <button type="submit" className="primary">
              {t('dj.save')}
            </button>
            <button type="button" onClick={() => setRenaming(null)}>
              {t('dj.cancel')}
            </button>
          </form>
        )}
        <label className="inline-field">
          <span>{t('dj.moveTo')}</span>
          <select
            value={list.parentId === null ? '' : String(list.parentId)}
            onChange={(e) =>
              void run(() =>
                api.call('dj.moveList', {
                  id: list.id,
                  parentId: e.target.value ? Number(e.target.value) : null,
                  beforeId: null,
                }),
              )
            }
          >
            <option value="">{t('dj.topLevel')}</option>
            {folders.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        {list.kind !== 'folder' && (
          <button type="button" className="primary" onClick={() => setExporting(true)}>
            {t('dj.export.open')}
          </button>
        )}
        {confirmDelete ? (
          <span className="inline-form" role="group" aria-label={t('dj.deleteConfirm', { name: list.name })}>
            <span>{t('dj.deleteConfirm', { name: list.name })}</span>
            <button
              type="button"
              className="danger"
              onClick={() =>
                void run(async () => {
                  await api.call('dj.deleteList', { id: list.id });
                  go('dj');
                })
              }
            >
              {t('dj.delete')}
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              {t('dj.cancel')}
            </button>
          </span>
        ) : (
          <button type="button" onClick={() => setConfirmDelete(true)}>
            {t('dj.delete')}
          </button>
        )}
      </div>
      {list.kind === 'smart' && (
        <form
          className="dj-smart"
          onSubmit={(e) => {
            e.preventDefault();
            if (!queryError(smartQuery))
              void run(() => api.call('dj.updateSmartList', { id: list.id, query: smartQuery }));
          }}
        >
          <QueryBox value={smartQuery} onChange={setSmartQuery} label={t('dj.smartQuery')} />
          <button type="submit" disabled={!!queryError(smartQuery) || smartQuery === list.query}>
            {t('dj.save')}
          </button>
        </form>
      )}
      {error && (
        <p role="alert" className="status-error">
          {error}
        </p>
      )}
      {notice && (
        <p
          role={notice.kind === 'error' ? 'alert' : 'status'}
          className={`dj-notice ${notice.kind}`}
          data-testid="dj-notice"
        >
          {notice.text}{' '}
          <button type="button" className="link" onClick={() => setNotice(null)}>
            {t('dj.dismiss')}
          </button>
        </p>
      )}
      {list.kind === 'folder' ? (
        <FolderContents list={list} lists={lists} />
      ) : (
        <>
          <div className="selection-bar" role="toolbar" aria-label={t('dj.toolbar')}>
            <span aria-live="polite">{t('tracks.selected', { count: selected.length })}</span>
            {editable && (
              <>
                <button type="button" disabled={selected.length === 0} onClick={() => moveSelection(-1)}>
                  {t('dj.moveUp')}
                </button>
                <button type="button" disabled={selected.length === 0} onClick={() => moveSelection(1)}>
                  {t('dj.moveDown')}
                </button>
                <button
                  type="button"
                  disabled={selected.length === 0}
                  onClick={() =>
                    void run(async () => {
                      await api.call('dj.removeItems', { listId: list.id, itemIds: await itemIds(selected) });
                      setSelected([]);
                    })
                  }
                >
                  {t('dj.remove')}
                </button>
              </>
            )}
          </div>
          <div className="dj-grid-wrap">
            <DataGrid
              label={t('dj.itemsLabel', { name: list.name })}
              columns={columns}
              total={paged.total}
              rowAt={paged.rowAt}
              widthsKey="dj-items"
              onActivate={(index) =>
                void rowsAt([index]).then((rows) => {
                  const tracks = rows.map((r) => r.track).filter((x): x is DjTrack => !!x);
                  usePlayer.getState().playTracks(tracks.map(fromDj));
                })
              }
              onRangeChange={setRange}
              onSelectionChange={setSelected}
              emptyText={editable ? t('dj.emptyList') : t('dj.noMatch')}
              testId="dj-items"
              onRowDragStart={
                editable
                  ? (index, event) => {
                      const indices = selected.includes(index) ? selected : [index];
                      const ids = indices
                        .map((i) => paged.rowAt(i)?.itemId)
                        .filter((x): x is number => typeof x === 'number');
                      event.dataTransfer.setData(ITEMS_TYPE, JSON.stringify(ids));
                      event.dataTransfer.effectAllowed = 'move';
                    }
                  : undefined
              }
              onRowDragOver={editable ? onRowDragOver : undefined}
              onRowDrop={editable ? onRowDrop : undefined}
              onRowContextMenu={menu.open}
            />
          </div>
          {menu.element}
        </>
      )}
      {exporting && <ExportDialog list={list} onClose={() => setExporting(false)} />}
      {editing && <TagEditor track={editing} onClose={() => setEditing(null)} />}
    </section>
  );
}

function FolderContents({ list, lists }: { list: DjList; lists: DjList[] }) {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  const kids = lists.filter((l) => l.parentId === list.id).sort((a, b) => a.position - b.position);
  if (kids.length === 0) return <p className="muted">{t('dj.emptyFolder')}</p>;
  return (
    <ul className="dj-folder">
      {kids.map((k) => (
        <li key={k.id}>
          <button type="button" className="link" onClick={() => go('dj', String(k.id))}>
            {k.name}
          </button>{' '}
          <span className="muted">{t(`dj.kinds.${k.kind}`)}</span>
        </li>
      ))}
    </ul>
  );
}
