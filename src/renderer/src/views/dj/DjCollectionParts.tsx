import { useTranslation } from 'react-i18next';
import type { TrackSortField } from '../../../../shared/contract/library';
import { DataGrid } from '../../components/DataGrid';
import { currentItem, usePlayer } from '../../player/store';
import { useDjView } from './dj-store';
import type { DjCollectionState } from './useDjCollection';

/** The title, the track count and the import button. */
export function CollectionHead({ total, onImport }: { total: number | null; onImport(): void }) {
  const { t } = useTranslation();
  return (
    <div className="view-head">
      <h1 id="dj-title">{t('dj.collection')}</h1>
      {total !== null && (
        <span className="muted" role="status" data-testid="dj-count">
          {t('tracks.count', { count: total })}
        </span>
      )}
      <button type="button" className="dj-head-action" onClick={onImport}>
        {t('dj.import.open')}
      </button>
    </div>
  );
}

/** The selection bar: how many are selected, add them to a list, edit one local track's tags. */
export function CollectionToolbar({ view }: { view: DjCollectionState }) {
  const { t } = useTranslation();
  const { selected, itemLists, targetList, selectedLocal } = view;
  return (
    <div className="selection-bar" role="toolbar" aria-label={t('dj.toolbar')}>
      <span aria-live="polite">{t('tracks.selected', { count: selected.length })}</span>
      <label className="inline-field">
        <span>{t('dj.addToLabel')}</span>
        <select
          value={targetList ? String(targetList.id) : ''}
          onChange={(e) => view.setTarget(e.target.value)}
          disabled={itemLists.length === 0}
        >
          {itemLists.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={selected.length === 0 || !targetList} onClick={view.addSelection}>
        {t('dj.add')}
      </button>
      <button
        type="button"
        disabled={!selectedLocal || selectedLocal.source !== 'local'}
        onClick={() => selectedLocal?.source === 'local' && view.setEditing(selectedLocal)}
      >
        {t('dj.tags.edit')}
      </button>
    </div>
  );
}

/** The last action's outcome, until dismissed. */
export function DjNotice() {
  const { t } = useTranslation();
  const { notice, setNotice } = useDjView();
  if (!notice) return null;
  return (
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
  );
}

/** The collection's grid: sort, play on activate, drag rows out, the context menu. */
export function CollectionGrid({ view }: { view: DjCollectionState }) {
  const { t } = useTranslation();
  const currentTrack = usePlayer((s) => currentItem(s)?.track ?? null);
  const { selected, menu, paged, validQuery } = view;
  return (
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
        columns={view.columns}
        total={paged.total}
        rowAt={paged.rowAt}
        widthsKey="dj"
        sort={{ field: view.sort, direction: view.direction }}
        onSort={(field) => view.sortBy(field as TrackSortField)}
        onActivate={view.play}
        onRangeChange={view.setRange}
        onSelectionChange={view.setSelected}
        isCurrent={(row) =>
          !!currentTrack && currentTrack.source === row.source && currentTrack.id === String(row.id)
        }
        emptyText={validQuery ? t('dj.noMatch') : t('tracks.none')}
        testId="dj-table"
        onRowDragStart={view.dragRows}
        onRowContextMenu={menu.open}
      />
    </div>
  );
}
