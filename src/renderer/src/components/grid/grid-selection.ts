/** Every index from a to b, both included, in either order. */
export function indexRange(a: number, b: number): Set<number> {
  const out = new Set<number>();
  for (let i = Math.min(a, b); i <= Math.max(a, b); i++) out.add(i);
  return out;
}

/** The selection after toggling `index` (Ctrl/Cmd+click). */
export function toggled(selected: ReadonlySet<number>, index: number): Set<number> {
  const next = new Set(selected);
  if (next.has(index)) next.delete(index);
  else next.add(index);
  return next;
}

/**
 * Where a navigation key moves the active row, or null for a key that does not
 * move it. `from` is -1 before any row is active; the result is not clamped.
 */
export function keyTarget(key: string, from: number, page: number, count: number): number | null {
  switch (key) {
    case 'ArrowDown':
      return from + 1;
    case 'ArrowUp':
      return from < 0 ? 0 : from - 1;
    case 'PageDown':
      return from + page;
    case 'PageUp':
      return from - page;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
