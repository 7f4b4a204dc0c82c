import { useVirtualizer } from '@tanstack/react-virtual';
import { useId, useRef, useState, type DragEvent, type MouseEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { ColumnChooser } from './grid/ColumnChooser';
import { GridHeader } from './grid/GridHeader';
import { GridBody, type RowHandlers } from './grid/GridRow';
import { useGridColumns } from './grid/useGridColumns';
import type { Column, SortState } from './grid/types';
import { ROW_HEIGHT, useGridSelection, type GridSelection } from './grid/useGridSelection';

export type { Column, SortState } from './grid/types';

export interface DataGridProps<R> {
  label: string;
  columns: Column<R>[];
  /** Total rows; null while unknown. */
  total: number | null;
  rowAt(index: number): R | undefined;
  /** Persists column widths under this name. */
  widthsKey: string;
  sort?: SortState;
  onSort?(field: string): void;
  /** Enter or double click: usually "play from here". */
  onActivate?(index: number): void;
  /** The virtualizer's visible range changed: load these rows. */
  onRangeChange?(range: { start: number; end: number }): void;
  onSelectionChange?(selected: number[]): void;
  isCurrent?(row: R): boolean;
  emptyText?: string;
  testId?: string;
  /** Rows can be dragged (e.g. into a crate); the handler fills the drag data. */
  onRowDragStart?(index: number, event: DragEvent<HTMLDivElement>): void;
  /** Something is dragged over / dropped on a row (e.g. reordering a crate). */
  onRowDragOver?(index: number, event: DragEvent<HTMLDivElement>): void;
  onRowDrop?(index: number, event: DragEvent<HTMLDivElement>): void;
  /** Right click on a row (the grid's own context-menu key reaches the wrapper). */
  onRowContextMenu?(index: number, event: MouseEvent): void;
  /** Right click on the header lists the columns to show or hide (kept under `widthsKey`). */
  columnChooser?: boolean;
}

/**
 * An accessible, virtualized grid for lists of any length (100,000 tracks):
 * only the rows on screen are in the DOM. Keyboard: arrows, Home/End,
 * PageUp/PageDown move; Shift extends the selection; Enter activates.
 * Mouse: click selects, Ctrl/Cmd+click toggles, Shift+click selects a range.
 * The state lives in hooks (grid/useGridColumns, grid/useGridSelection); this
 * component wires them to the virtualizer and the parts that draw.
 */
export function DataGrid<R>(props: DataGridProps<R>) {
  const { t } = useTranslation();
  const { total, rowAt } = props;
  const count = total ?? 0;
  const gridId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [chooser, setChooser] = useState<{ x: number; y: number } | null>(null);
  const layout = useGridColumns(props.columns, props.widthsKey);
  const virtualizer = useRowVirtualizer(count, scrollRef, props.onRangeChange);
  const selection = useGridSelection({
    count,
    scrollRef,
    scrollToIndex: (index) => virtualizer.scrollToIndex(index, { align: 'auto' }),
    onSelectionChange: props.onSelectionChange,
    onActivate: props.onActivate,
  });
  const { active } = selection;
  const items = virtualizer.getVirtualItems();
  const rowDomId = (index: number) => `${gridId}-row-${index}`;
  const activeRendered = active >= 0 && items.some((item) => item.index === active);
  return (
    <>
      <div
        ref={scrollRef}
        className="grid"
        role="grid"
        aria-label={props.label}
        aria-rowcount={count + 1}
        aria-colcount={layout.columns.length}
        aria-multiselectable="true"
        aria-activedescendant={activeRendered ? rowDomId(active) : undefined}
        tabIndex={0}
        onKeyDown={selection.onKeyDown}
        onFocus={selection.onFocus}
        onContextMenu={(e) => menuKeyOnGrid(e, selection, props.onRowContextMenu, rowDomId)}
        data-testid={props.testId}
      >
        <GridHeader
          layout={layout}
          sort={props.sort}
          onSort={props.onSort}
          chooserHint={!!props.columnChooser}
          onChooser={setChooser}
        />
        <GridBody
          height={virtualizer.getTotalSize()}
          items={items}
          rowAt={rowAt}
          layout={layout}
          selection={selection}
          isCurrent={props.isCurrent}
          rowDomId={rowDomId}
          on={rowHandlersOf(props, selection)}
        />
      </div>
      {total === 0 && props.emptyText && <p className="grid-empty">{props.emptyText}</p>}
      {chooser && (
        <ColumnChooser
          at={chooser}
          label={t('grid.columns')}
          columns={layout.choices}
          onClose={() => setChooser(null)}
        />
      )}
    </>
  );
}

/** Only the rows on screen (and a few more) are rendered; the visible range is reported so the caller loads it. */
function useRowVirtualizer(
  count: number,
  scrollRef: RefObject<HTMLDivElement | null>,
  onRangeChange?: (range: { start: number; end: number }) => void,
) {
  // The virtualizer's functions are read during render on purpose; the grid is not memoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  return useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    onChange: (instance) => {
      const items = instance.getVirtualItems();
      if (items.length > 0) onRangeChange?.({ start: items[0]!.index, end: items[items.length - 1]!.index });
    },
  });
}

/** What a row does on click, double click, drag and right click (selecting it first for the menu). */
function rowHandlersOf<R>(props: DataGridProps<R>, selection: GridSelection): RowHandlers {
  const { onRowContextMenu } = props;
  return {
    onClick: selection.onRowClick,
    onActivate: props.onActivate,
    onDragStart: props.onRowDragStart,
    onDragOver: props.onRowDragOver,
    onDrop: props.onRowDrop,
    onContextMenu: onRowContextMenu
      ? (index, event) => {
          selection.selectForMenu(event, index);
          onRowContextMenu(index, event);
        }
      : undefined,
  };
}

/** The keyboard's menu key (or Shift+F10) on the grid: the menu of the active row, at that row. */
function menuKeyOnGrid(
  e: MouseEvent<HTMLDivElement>,
  { active, selected, select }: GridSelection,
  open: ((index: number, event: MouseEvent) => void) | undefined,
  rowDomId: (index: number) => string,
) {
  if (e.target !== e.currentTarget || active < 0 || !open) return;
  const rowBox = document.getElementById(rowDomId(active))?.getBoundingClientRect();
  if (!selected.has(active)) select(new Set([active]));
  open(active, Object.assign(e, rowBox ? { clientX: rowBox.left + 24, clientY: rowBox.bottom } : {}));
}
