import { useState, type PointerEvent } from 'react';
import type { Column } from './types';

export const MIN_WIDTH = 40;

function load<T>(key: string): Record<string, T> {
  try {
    return JSON.parse(localStorage.getItem(key) ?? '{}') as Record<string, T>;
  } catch {
    return {};
  }
}

function save(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Widths and hidden columns are a nicety.
  }
}

/** Which columns show and how wide they are, kept in localStorage under `widthsKey`; the first column always shows. */
export function useGridColumns<R>(all: Column<R>[], widthsKey: string) {
  const [hidden, setHidden] = useState<Record<string, boolean>>(() => load(`resonate.hidden.${widthsKey}`));
  const [widths, setWidths] = useState<Record<string, number>>(() => load(`resonate.columns.${widthsKey}`));
  const isHidden = (c: Column<R>) => hidden[c.id] ?? c.defaultHidden ?? false;
  const columns = all.filter((c, i) => i === 0 || !isHidden(c));
  const widthOf = (c: Column<R>) => widths[c.id] ?? c.width;
  const toggleColumn = (c: Column<R>) => {
    const next = { ...hidden, [c.id]: !isHidden(c) };
    setHidden(next);
    save(`resonate.hidden.${widthsKey}`, next);
  };
  const resize = (column: Column<R>, width: number) => {
    const next = { ...widths, [column.id]: Math.max(MIN_WIDTH, Math.round(width)) };
    setWidths(next);
    save(`resonate.columns.${widthsKey}`, next);
  };
  /** Dragging a column's separator: the width follows the pointer until it is released. */
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
  return {
    columns,
    widthOf,
    template: columns.map((c) => `${widthOf(c)}px`).join(' '),
    totalWidth: columns.reduce((sum, c) => sum + widthOf(c), 0),
    resize,
    startDrag,
    /** The chooser's entries: every column but the first. */
    choices: all.slice(1).map((c) => ({
      id: c.id,
      label: c.label,
      shown: !isHidden(c),
      toggle: () => toggleColumn(c),
    })),
  };
}

export type GridColumns<R> = ReturnType<typeof useGridColumns<R>>;
