import { useState, type KeyboardEvent, type MouseEvent, type RefObject } from 'react';
import { indexRange, keyTarget, toggled } from './grid-selection';

export const ROW_HEIGHT = 32;

export interface SelectionOptions {
  count: number;
  scrollRef: RefObject<HTMLDivElement | null>;
  scrollToIndex(index: number): void;
  onSelectionChange?(selected: number[]): void;
  onActivate?(index: number): void;
}

/**
 * The active row and the selection. Keyboard: arrows, Home/End, PageUp/PageDown
 * move; Shift extends; Ctrl/Cmd+A selects all; Enter activates. Mouse: click
 * selects, Ctrl/Cmd+click toggles, Shift+click selects a range.
 */
export function useGridSelection({
  count,
  scrollRef,
  scrollToIndex,
  onSelectionChange,
  onActivate,
}: SelectionOptions) {
  const [active, setActive] = useState(-1);
  const [selected, setSelected] = useState<ReadonlySet<number>>(() => new Set());
  const [anchor, setAnchor] = useState(-1);
  const select = (next: ReadonlySet<number>) => {
    setSelected(next);
    onSelectionChange?.([...next].sort((a, b) => a - b));
  };
  const selectOnly = (index: number) => {
    setAnchor(index);
    select(new Set([index]));
  };
  const moveTo = (index: number, extend: boolean) => {
    if (count === 0) return;
    const target = Math.max(0, Math.min(count - 1, index));
    setActive(target);
    if (extend && anchor >= 0) select(indexRange(anchor, target));
    else selectOnly(target);
    scrollToIndex(target);
  };
  const handled = (event: KeyboardEvent) => {
    event.preventDefault();
    event.stopPropagation();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a' && count > 0) {
      handled(event);
      setAnchor(0);
      return select(indexRange(0, count - 1));
    }
    if (event.key === 'Enter') {
      handled(event);
      if (active >= 0) onActivate?.(active);
      return;
    }
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 320) / ROW_HEIGHT) - 2);
    const target = keyTarget(event.key, active < 0 ? -1 : active, page, count);
    if (target === null) return;
    handled(event);
    moveTo(target, event.shiftKey);
  };
  const onRowClick = (event: MouseEvent, index: number) => {
    setActive(index);
    if (event.shiftKey && anchor >= 0) select(indexRange(anchor, index));
    else if (event.ctrlKey || event.metaKey) {
      setAnchor(index);
      select(toggled(selected, index));
    } else selectOnly(index);
    scrollRef.current?.focus({ preventScroll: true });
  };
  /** Focusing the grid makes the first row active, so the arrows start from it. */
  const onFocus = () => {
    if (active < 0 && count > 0) setActive(0);
  };
  /** Before a row's context menu: the row is selected unless it already is (the menu acts on the selection). */
  const selectForMenu = (event: MouseEvent, index: number) => {
    if (!selected.has(index)) onRowClick(event, index);
  };
  return { active, selected, select, onKeyDown, onRowClick, onFocus, selectForMenu };
}

export type GridSelection = ReturnType<typeof useGridSelection>;
