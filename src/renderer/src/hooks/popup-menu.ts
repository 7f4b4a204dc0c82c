/** What a key does in a popup menu: close it, move the focus to another entry, or nothing. */
export type MenuKeyAction = { kind: 'close' } | { kind: 'focus'; index: number } | null;

/**
 * Escape or Tab closes (focus goes back to where it was); the arrows move round the entries,
 * from the last to the first and back. `current` is -1 when no entry has the focus.
 */
export function menuKeyAction(key: string, current: number, count: number): MenuKeyAction {
  if (key === 'Escape' || key === 'Tab') return { kind: 'close' };
  if ((key !== 'ArrowDown' && key !== 'ArrowUp') || count === 0) return null;
  const step = key === 'ArrowDown' ? 1 : -1;
  return { kind: 'focus', index: (current + step + count) % count };
}

/** Where a menu of `entries` rows opens: at the pointer, moved in so it stays inside the window. */
export function menuPosition(
  at: { x: number; y: number },
  entries: number,
  viewport: { innerWidth: number; innerHeight: number },
): { left: number; top: number } {
  return {
    left: Math.min(at.x, viewport.innerWidth - 240),
    top: Math.min(at.y, viewport.innerHeight - 40 - entries * 30),
  };
}
