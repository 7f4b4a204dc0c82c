import { useTranslation } from 'react-i18next';
import type { DjList } from '../../../../shared/contract/dj';
import { DataGrid } from '../../components/DataGrid';
import type { ListItems as ListItemsState } from './useListPanel';

/** A crate's, playlist's or smart list's items: the selection toolbar and the grid. */
export function ListItems({ list, items }: { list: DjList; items: ListItemsState }) {
  const { t } = useTranslation();
  const { selected, editable, drag } = items;
  const none = selected.length === 0;
  return (
    <>
      <div className="selection-bar" role="toolbar" aria-label={t('dj.toolbar')}>
        <span aria-live="polite">{t('tracks.selected', { count: selected.length })}</span>
        {editable && (
          <>
            <button type="button" disabled={none} onClick={() => items.moveSelection(-1)}>
              {t('dj.moveUp')}
            </button>
            <button type="button" disabled={none} onClick={() => items.moveSelection(1)}>
              {t('dj.moveDown')}
            </button>
            <button type="button" disabled={none} onClick={items.removeSelection}>
              {t('dj.remove')}
            </button>
          </>
        )}
      </div>
      <div className="dj-grid-wrap">
        <DataGrid
          label={t('dj.itemsLabel', { name: list.name })}
          columns={items.columns}
          total={items.paged.total}
          rowAt={items.paged.rowAt}
          widthsKey="dj-items"
          onActivate={items.play}
          onRangeChange={items.setRange}
          onSelectionChange={items.setSelected}
          emptyText={editable ? t('dj.emptyList') : t('dj.noMatch')}
          testId="dj-items"
          onRowDragStart={editable ? drag.onRowDragStart : undefined}
          onRowDragOver={editable ? drag.onRowDragOver : undefined}
          onRowDrop={editable ? drag.onRowDrop : undefined}
          onRowContextMenu={items.menu.open}
        />
      </div>
      {items.menu.element}
    </>
  );
}
