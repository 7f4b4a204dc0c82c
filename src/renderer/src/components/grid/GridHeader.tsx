import { useTranslation } from 'react-i18next';
import type { Column, SortState } from './types';
import { MIN_WIDTH, type GridColumns } from './useGridColumns';

/** The header row: a sort button per sortable column, and a separator to resize each (drag or arrows). */
export function GridHeader<R>({
  layout,
  sort,
  onSort,
  chooserHint,
  onChooser,
}: {
  layout: GridColumns<R>;
  sort?: SortState;
  onSort?(field: string): void;
  /** Right click opens the column chooser at the pointer (when the grid has one). */
  chooserHint: boolean;
  onChooser(at: { x: number; y: number }): void;
}) {
  const { t } = useTranslation();
  return (
    <div role="rowgroup" className="grid-head" style={{ minWidth: layout.totalWidth }}>
      <div
        role="row"
        aria-rowindex={1}
        className="grid-row grid-header-row"
        style={{ gridTemplateColumns: layout.template }}
        title={chooserHint ? t('grid.chooseHint') : undefined}
        onContextMenu={
          chooserHint
            ? (e) => {
                e.preventDefault();
                onChooser({ x: e.clientX, y: e.clientY });
              }
            : undefined
        }
      >
        {layout.columns.map((column, ci) => (
          <HeaderCell
            key={column.id}
            column={column}
            index={ci}
            layout={layout}
            sorted={sort && column.sortField === sort.field ? sort.direction : null}
            onSort={onSort}
          />
        ))}
      </div>
    </div>
  );
}

function HeaderCell<R>({
  column,
  index,
  layout,
  sorted,
  onSort,
}: {
  column: Column<R>;
  index: number;
  layout: GridColumns<R>;
  sorted: 'asc' | 'desc' | null;
  onSort?(field: string): void;
}) {
  const { t } = useTranslation();
  const width = layout.widthOf(column);
  return (
    <div
      role="columnheader"
      aria-colindex={index + 1}
      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
      className={`grid-cell grid-header ${column.align === 'end' ? 'align-end' : ''}`}
    >
      {column.sortField && onSort ? (
        <button
          type="button"
          className="grid-sort"
          onClick={() => onSort(column.sortField!)}
          title={t('grid.sortBy', { column: column.label })}
        >
          {column.label}
          {sorted && <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : ' ▼'}</span>}
        </button>
      ) : (
        <span className="grid-header-label">{column.label}</span>
      )}
      <div
        role="separator"
        aria-orientation="vertical"
        aria-label={t('grid.resize', { column: column.label })}
        aria-valuenow={width}
        aria-valuemin={MIN_WIDTH}
        aria-valuemax={2000}
        tabIndex={0}
        className="grid-resize"
        onPointerDown={(e) => layout.startDrag(e, column)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
            e.preventDefault();
            e.stopPropagation();
            layout.resize(column, width + (e.key === 'ArrowLeft' ? -16 : 16));
          }
        }}
      />
    </div>
  );
}
