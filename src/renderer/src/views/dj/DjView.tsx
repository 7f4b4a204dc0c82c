import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { djTrackRef, type DjTrack, type LocalDjTrack } from '../../../../shared/contract/dj';
import type { TrackSortField } from '../../../../shared/contract/library';
import { useCall } from '../../api/queries';
import { DataGrid } from '../../components/DataGrid';
import { fetchRows, usePagedWindow } from '../../hooks/usePagedWindow';
import { currentItem, usePlayer } from '../../player/store';
import { useNavigation } from '../../store/navigation';
import { addToList, fromDj, isItemList, trackLabel } from './actions';
import { CompatibleKeys } from './CompatibleKeys';
import { useDjView } from './dj-store';
import { useDjColumns, useNotation, useTrackMenu } from './dj-tracks';
import { setDragRefs } from './dnd';
import { ImportDialog } from './ExportDialog';
import { DjListView } from './DjListView';
import { queryError, QueryBox } from './QueryBox';
import { TagEditor } from './TagEditor';
import './dj.css';

/** The DJ views: the whole collection (no list chosen) or one list. */
export function DjView() {
  const detail = useNavigation((s) => s.detail);
  return detail ? <DjListView key={detail} id={Number(detail)} /> : <DjCollection />;
}

/** The owned collection with the query language, BPM and key, compatible keys, add to crate, tags and import. */
function DjCollection() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const notation = useNotation();
  const { queryText, setQueryText, sort, direction, sortBy, notice, setNotice } = useDjView();
  const error = queryError(queryText);
  // A query with an error keeps showing the last valid result.
  const [validQuery, setValidQuery] = useState('');
  if (!error && queryText !== validQuery) setValidQuery(queryText);
  const base = { query: validQuery, sort, direction, status: 'ok' as const };
  const [range, setRange] = useState<{ start: number; end: number } | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [target, setTarget] = useState('');
  const [editing, setEditing] = useState<LocalDjTrack | null>(null);
  const [importing, setImporting] = useState(false);
  const paged = usePagedWindow('dj.query', base, range);
  const lists = useCall('dj.lists', {});
  const itemLists = (lists.data ?? []).filter(isItemList);
  const columns = useDjColumns(notation, true);
  const currentTrack = usePlayer((s) => currentItem(s)?.track ?? null);

  const rowsAt = (indices: number[]) => fetchRows(client, 'dj.query', base, indices);
  const selectionFor = (index: number) => rowsAt(selected.includes(index) ? selected : [index]);
  const menu = useTrackMenu(lists.data ?? [], selectionFor, setEditing);
  const selectedLocal = selected.length === 1 ? paged.rowAt(selected[0]!) : undefined;
  const targetList = itemLists.find((l) => String(l.id) === target) ?? itemLists[0];

  return (
    <section className="view view-fill dj-view" aria-labelledby="dj-title">
      <div className="view-head">
        <h1 id="dj-title">{t('dj.collection')}</h1>
        {paged.total !== null && (
          <span className="muted" role="status" data-testid="dj-count">
            {t('tracks.count', { count: paged.total })}
          </span>
        )}
        <button type="button" className="dj-head-action" onClick={() => setImporting(true)}>
          {t('dj.import.open')}
        </button>
      </div>
      <QueryBox value={queryText} onChange={setQueryText} label={t('dj.queryLabel')} />
      <CompatibleKeys notation={notation} onFilter={setQueryText} />
      <div className="selection-bar" role="toolbar" aria-label={t('dj.toolbar')}>
        <span aria-live="polite">{t('tracks.selected', { count: selected.length })}</span>
        <label className="inline-field">
          <span>{t('dj.addToLabel')}</span>
          <select
            value={targetList ? String(targetList.id) : ''}
            onChange={(e) => setTarget(e.target.value)}
            disabled={itemLists.length === 0}
          >
            {itemLists.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={selected.length === 0 || !targetList}
          onClick={() =>
            targetList && void rowsAt(selected).then((rows) => addToList(targetList, rows.map(djTrackRef)))
          }
        >
          {t('dj.add')}
        </button>
        <button
          type="button"
          disabled={!selectedLocal || selectedLocal.source !== 'local'}
          onClick={() => selectedLocal?.source === 'local' && setEditing(selectedLocal)}
        >
          {t('dj.tags.edit')}
        </button>
      </div>
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
      <div
        className="dj-grid-wrap"
        onContextMenu={(e) => {
          // The keyboard's context-menu key lands on the grid itself: open the menu for the selection.
          if ((e.target as HTMLElement).getAttribute('role') === 'grid' && selected.length > 0)
            menu.open(selected[0]!, e);
        }}
      >
        <DataGrid
          key={validQuery}
          label={t('dj.gridLabel')}
          columns={columns}
          total={paged.total}
          rowAt={paged.rowAt}
          widthsKey="dj"
          sort={{ field: sort, direction }}
          onSort={(field) => sortBy(field as TrackSortField)}
          onActivate={(index) =>
            void rowsAt([index]).then((rows) => usePlayer.getState().playTracks(rows.map(fromDj)))
          }
          onRangeChange={setRange}
          onSelectionChange={setSelected}
          isCurrent={(row) =>
            !!currentTrack && currentTrack.source === row.source && currentTrack.id === String(row.id)
          }
          emptyText={validQuery ? t('dj.noMatch') : t('tracks.none')}
          testId="dj-table"
          onRowDragStart={(index, event) => {
            const indices = selected.includes(index) ? selected : [index];
            const rows = indices.map((i) => paged.rowAt(i)).filter((r): r is DjTrack => !!r);
            setDragRefs(event, rows.map(djTrackRef), rows.map(trackLabel).join('\n'));
          }}
          onRowContextMenu={menu.open}
        />
      </div>
      {menu.element}
      {editing && <TagEditor track={editing} onClose={() => setEditing(null)} />}
      {importing && (
        <ImportDialog
          onClose={() => setImporting(false)}
          onImported={() => void client.invalidateQueries({ queryKey: ['dj.lists'] })}
        />
      )}
    </section>
  );
}
