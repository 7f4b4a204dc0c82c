import type { VirtualItem } from '@tanstack/react-virtual';
import type { DragEvent, MouseEvent } from 'react';
import type { Column } from './types';
import type { GridColumns } from './useGridColumns';
import { ROW_HEIGHT, type GridSelection } from './useGridSelection';

export interface RowHandlers {
  onClick(event: MouseEvent, index: number): void;
  onActivate?(index: number): void;
  onDragStart?(index: number, event: DragEvent<HTMLDivElement>): void;
  onDragOver?(index: number, event: DragEvent<HTMLDivElement>): void;
  onDrop?(index: number, event: DragEvent<HTMLDivElement>): void;
  onContextMenu?(index: number, event: MouseEvent): void;
}

/** The rows on screen, each at its offset in a body as tall as all the rows. */
export function GridBody<R>({
  height,
  items,
  rowAt,
  layout,
  selection,
  isCurrent,
  rowDomId,
  on,
}: {
  height: number;
  items: VirtualItem[];
  rowAt(index: number): R | undefined;
  layout: GridColumns<R>;
  selection: GridSelection;
  isCurrent?(row: R): boolean;
  rowDomId(index: number): string;
  on: RowHandlers;
}) {
  return (
    <div role="rowgroup" className="grid-body" style={{ height, minWidth: layout.totalWidth }}>
      {items.map((item) => {
        const row = rowAt(item.index);
        return (
          <GridRow
            key={item.key}
            id={rowDomId(item.index)}
            index={item.index}
            start={item.start}
            row={row}
            columns={layout.columns}
            template={layout.template}
            selected={selection.selected.has(item.index)}
            active={item.index === selection.active}
            current={!!row && !!isCurrent?.(row)}
            on={on}
          />
        );
      })}
    </div>
  );
}

/** One rendered row, placed at its offset in the virtual list; a row not loaded yet shows "…". */
function GridRow<R>({
  id,
  index,
  start,
  row,
  columns,
  template,
  selected,
  active,
  current,
  on,
}: {
  id: string;
  index: number;
  start: number;
  row: R | undefined;
  columns: Column<R>[];
  template: string;
  selected: boolean;
  active: boolean;
  current: boolean;
  on: RowHandlers;
}) {
  const drag = <E,>(handler?: (index: number, event: E) => void) =>
    handler ? (event: E) => handler(index, event) : undefined;
  return (
    <div
      id={id}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      aria-current={current ? 'true' : undefined}
      className={`grid-row ${selected ? 'selected' : ''} ${active ? 'active' : ''} ${current ? 'current' : ''}`}
      style={{ gridTemplateColumns: template, transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
      onClick={(e) => on.onClick(e, index)}
      onDoubleClick={() => on.onActivate?.(index)}
      draggable={on.onDragStart ? true : undefined}
      onDragStart={drag(on.onDragStart)}
      onDragOver={drag(on.onDragOver)}
      onDrop={drag(on.onDrop)}
      onContextMenu={drag(on.onContextMenu)}
    >
      {columns.map((column, ci) => (
        <div
          key={column.id}
          role="gridcell"
          aria-colindex={ci + 1}
          className={`grid-cell ${column.align === 'end' ? 'align-end' : ''}`}
        >
          {row ? column.render(row, index) : ci === 0 ? <span className="muted">…</span> : null}
        </div>
      ))}
    </div>
  );
}
