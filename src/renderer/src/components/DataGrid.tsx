import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useEffect,
  useId,
  useRef,
  useState,
  type DragEvent,
  type KeyboardEvent,
  type MouseEvent,
  type PointerEvent,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';

export interface Column<R> {
  id: string;
  label: string;
  /** Default width in px. */
  width: number;
  align?: 'start' | 'end';
  /** The sort field this column's header sorts by (sorting is done by the main process). */
  sortField?: string;
  render(row: R, index: number): ReactNode;
  /** Plain text for the cell's accessible description where `render` is graphical. */
  text?(row: R): string;
  /** Hidden until the user shows it with the column chooser (right click on the header). */
  defaultHidden?: boolean;
}

export interface SortState {
  field: string;
  direction: 'asc' | 'desc';
}

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

const ROW_HEIGHT = 32;
const MIN_WIDTH = 40;

function loadHidden(key: string): Record<string, boolean> {
  try {
    return JSON.parse(localStorage.getItem(`resonate.hidden.${key}`) ?? '{}') as Record<string, boolean>;
  } catch {
    return {};
  }
}

function loadWidths(key: string): Record<string, number> {
  try {
    return JSON.parse(localStorage.getItem(`resonate.columns.${key}`) ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * An accessible, virtualized grid for lists of any length (100,000 tracks):
 * only the rows on screen are in the DOM. Keyboard: arrows, Home/End,
 * PageUp/PageDown move; Shift extends the selection; Enter activates.
 * Mouse: click selects, Ctrl/Cmd+click toggles, Shift+click selects a range.
 */
export function DataGrid<R>(props: DataGridProps<R>) {
  const { t } = useTranslation();
  const { total, rowAt } = props;
  const [hidden, setHidden] = useState<Record<string, boolean>>(() => loadHidden(props.widthsKey));
  const [chooser, setChooser] = useState<{ x: number; y: number } | null>(null);
  const isHidden = (c: Column<R>) => hidden[c.id] ?? c.defaultHidden ?? false;
  const columns = props.columns.filter((c, i) => i === 0 || !isHidden(c));
  const toggleColumn = (c: Column<R>) => {
    const next = { ...hidden, [c.id]: !isHidden(c) };
    setHidden(next);
    try {
      localStorage.setItem(`resonate.hidden.${props.widthsKey}`, JSON.stringify(next));
    } catch {
      // A nicety, as the widths.
    }
  };
  const count = total ?? 0;
  const gridId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [widths, setWidths] = useState<Record<string, number>>(() => loadWidths(props.widthsKey));
  const [active, setActive] = useState(-1);
  const [selected, setSelected] = useState<ReadonlySet<number>>(() => new Set());
  const [anchor, setAnchor] = useState(-1);

  // The virtualizer's functions are read during render on purpose; this component is not memoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    onChange: (instance) => {
      const items = instance.getVirtualItems();
      if (items.length > 0)
        props.onRangeChange?.({ start: items[0]!.index, end: items[items.length - 1]!.index });
    },
  });
  const items = virtualizer.getVirtualItems();
  const widthOf = (c: Column<R>) => widths[c.id] ?? c.width;
  const template = columns.map((c) => `${widthOf(c)}px`).join(' ');
  const totalWidth = columns.reduce((sum, c) => sum + widthOf(c), 0);

  const select = (next: ReadonlySet<number>) => {
    setSelected(next);
    props.onSelectionChange?.([...next].sort((a, b) => a - b));
  };
  const range = (a: number, b: number) => {
    const out = new Set<number>();
    for (let i = Math.min(a, b); i <= Math.max(a, b); i++) out.add(i);
    return out;
  };

  const moveTo = (index: number, extend: boolean) => {
    if (count === 0) return;
    const target = Math.max(0, Math.min(count - 1, index));
    setActive(target);
    if (extend && anchor >= 0) select(range(anchor, target));
    else {
      setAnchor(target);
      select(new Set([target]));
    }
    virtualizer.scrollToIndex(target, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 320) / ROW_HEIGHT) - 2);
    const from = active < 0 ? -1 : active;
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(from + 1, event.shiftKey),
      ArrowUp: () => moveTo(from < 0 ? 0 : from - 1, event.shiftKey),
      PageDown: () => moveTo(from + page, event.shiftKey),
      PageUp: () => moveTo(from - page, event.shiftKey),
      Home: () => moveTo(0, event.shiftKey),
      End: () => moveTo(count - 1, event.shiftKey),
      Enter: () => active >= 0 && props.onActivate?.(active),
    };
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a' && count > 0) {
      event.preventDefault();
      event.stopPropagation();
      setAnchor(0);
      select(range(0, count - 1));
      return;
    }
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      event.stopPropagation();
      action();
    }
  };

  const onRowClick = (event: MouseEvent, index: number) => {
    setActive(index);
    if (event.shiftKey && anchor >= 0) select(range(anchor, index));
    else if (event.ctrlKey || event.metaKey) {
      const next = new Set(selected);
      if (next.has(index)) next.delete(index);
      else next.add(index);
      setAnchor(index);
      select(next);
    } else {
      setAnchor(index);
      select(new Set([index]));
    }
    scrollRef.current?.focus({ preventScroll: true });
  };

  const resize = (column: Column<R>, width: number) => {
    const next = { ...widths, [column.id]: Math.max(MIN_WIDTH, Math.round(width)) };
    setWidths(next);
    try {
      localStorage.setItem(`resonate.columns.${props.widthsKey}`, JSON.stringify(next));
    } catch {
      // Widths are a nicety.
    }
  };

  const startDrag = (event: PointerEvent<HTMLDivElement>, column: Column<R>) => {
    event.preventDefault();
    const startX = event.clientX;
    const startWidth = widthOf(column);
    const handle = event.currentTarget;
    handle.setPointerCapture(event.pointerId);
    const move = (e: globalThis.PointerEvent) => resize(column, startWidth + e.clientX - startX);
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  };

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
        aria-colcount={columns.length}
        aria-multiselectable="true"
        aria-activedescendant={activeRendered ? rowDomId(active) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onFocus={() => active < 0 && count > 0 && setActive(0)}
        onContextMenu={(e) => {
          // The keyboard's menu key (or Shift+F10) on the grid: the menu of the active row, at that row.
          if (e.target !== e.currentTarget || active < 0 || !props.onRowContextMenu) return;
          const rowBox = document.getElementById(rowDomId(active))?.getBoundingClientRect();
          if (!selected.has(active)) select(new Set([active]));
          props.onRowContextMenu(
            active,
            Object.assign(e, rowBox ? { clientX: rowBox.left + 24, clientY: rowBox.bottom } : {}),
          );
        }}
        data-testid={props.testId}
      >
        <div role="rowgroup" className="grid-head" style={{ minWidth: totalWidth }}>
          <div
            role="row"
            aria-rowindex={1}
            className="grid-row grid-header-row"
            style={{ gridTemplateColumns: template }}
            title={props.columnChooser ? t('grid.chooseHint') : undefined}
            onContextMenu={
              props.columnChooser
                ? (e) => {
                    e.preventDefault();
                    setChooser({ x: e.clientX, y: e.clientY });
                  }
                : undefined
            }
          >
            {columns.map((column, ci) => {
              const sorted =
                props.sort && column.sortField === props.sort.field ? props.sort.direction : null;
              return (
                <div
                  key={column.id}
                  role="columnheader"
                  aria-colindex={ci + 1}
                  aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                  className={`grid-cell grid-header ${column.align === 'end' ? 'align-end' : ''}`}
                >
                  {column.sortField && props.onSort ? (
                    <button
                      type="button"
                      className="grid-sort"
                      onClick={() => props.onSort?.(column.sortField!)}
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
                    aria-valuenow={widthOf(column)}
                    aria-valuemin={MIN_WIDTH}
                    aria-valuemax={2000}
                    tabIndex={0}
                    className="grid-resize"
                    onPointerDown={(e) => startDrag(e, column)}
                    onKeyDown={(e) => {
                      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
                        e.preventDefault();
                        e.stopPropagation();
                        resize(column, widthOf(column) + (e.key === 'ArrowLeft' ? -16 : 16));
                      }
                    }}
                  />
                </div>
              );
            })}
          </div>
        </div>
        <div
          role="rowgroup"
          className="grid-body"
          style={{ height: virtualizer.getTotalSize(), minWidth: totalWidth }}
        >
          {items.map((item) => {
            const row = rowAt(item.index);
            const isSelected = selected.has(item.index);
            return (
              <div
                key={item.key}
                id={rowDomId(item.index)}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                aria-current={row && props.isCurrent?.(row) ? 'true' : undefined}
                className={`grid-row ${isSelected ? 'selected' : ''} ${item.index === active ? 'active' : ''} ${row && props.isCurrent?.(row) ? 'current' : ''}`}
                style={{
                  gridTemplateColumns: template,
                  transform: `translateY(${item.start}px)`,
                  height: ROW_HEIGHT,
                }}
                onClick={(e) => onRowClick(e, item.index)}
                onDoubleClick={() => props.onActivate?.(item.index)}
                draggable={props.onRowDragStart ? true : undefined}
                onDragStart={props.onRowDragStart ? (e) => props.onRowDragStart?.(item.index, e) : undefined}
                onDragOver={props.onRowDragOver ? (e) => props.onRowDragOver?.(item.index, e) : undefined}
                onDrop={props.onRowDrop ? (e) => props.onRowDrop?.(item.index, e) : undefined}
                onContextMenu={
                  props.onRowContextMenu
                    ? (e) => {
                        if (!selected.has(item.index)) onRowClick(e, item.index);
                        props.onRowContextMenu?.(item.index, e);
                      }
                    : undefined
                }
              >
                {columns.map((column, ci) => (
                  <div
                    key={column.id}
                    role="gridcell"
                    aria-colindex={ci + 1}
                    className={`grid-cell ${column.align === 'end' ? 'align-end' : ''}`}
                  >
                    {row ? (
                      column.render(row, item.index)
                    ) : ci === 0 ? (
                      <span className="muted">…</span>
                    ) : null}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
      {total === 0 && props.emptyText && <p className="grid-empty">{props.emptyText}</p>}
      {chooser && (
        <ColumnChooser
          at={chooser}
          label={t('grid.columns')}
          columns={props.columns
            .slice(1)
            .map((c) => ({ id: c.id, label: c.label, shown: !isHidden(c), toggle: () => toggleColumn(c) }))}
          onClose={() => setChooser(null)}
        />
      )}
    </>
  );
}

/** The columns to show, as checkboxes in a small menu at the pointer; Escape or a click away closes it. */
function ColumnChooser({
  at,
  label,
  columns,
  onClose,
}: {
  at: { x: number; y: number };
  label: string;
  columns: { id: string; label: string; shown: boolean; toggle(): void }[];
  onClose(): void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('[role="menuitemcheckbox"]')?.focus();
    const away = (e: globalThis.MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', away);
    return () => {
      document.removeEventListener('mousedown', away);
      previous?.focus?.();
    };
  }, [onClose]);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const entries = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitemcheckbox"]') ?? [])];
    const index = entries.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      entries[(index + (event.key === 'ArrowDown' ? 1 : -1) + entries.length) % entries.length]?.focus();
    }
  };
  return (
    <div
      ref={ref}
      role="menu"
      aria-label={label}
      className="context-menu"
      style={{
        left: Math.min(at.x, window.innerWidth - 240),
        top: Math.min(at.y, window.innerHeight - 40 - columns.length * 30),
      }}
      onKeyDown={onKeyDown}
      tabIndex={-1}
      data-testid="column-chooser"
    >
      {columns.map((c) => (
        <button
          key={c.id}
          type="button"
          role="menuitemcheckbox"
          aria-checked={c.shown}
          tabIndex={-1}
          onClick={c.toggle}
        >
          <span aria-hidden="true">{c.shown ? '✓ ' : '\u2003'}</span>
          {c.label}
        </button>
      ))}
    </div>
  );
}
