import { describe, expect, it } from 'vitest';
import { indexRange, keyTarget, toggled } from '../../../src/renderer/src/components/grid/grid-selection';

describe('the grid selection rules', () => {
  it('a range holds both ends whichever way it was dragged', () => {
    expect([...indexRange(2, 5)]).toEqual([2, 3, 4, 5]);
    expect([...indexRange(5, 2)]).toEqual([2, 3, 4, 5]);
    expect([...indexRange(3, 3)]).toEqual([3]);
  });

  it('Ctrl+click adds a row, and takes it out again, leaving the rest', () => {
    const once = toggled(new Set([1, 4]), 7);
    expect([...once].sort()).toEqual([1, 4, 7]);
    expect([...toggled(once, 4)].sort()).toEqual([1, 7]);
  });

  it('arrow, page and Home/End keys move the active row; other keys do not', () => {
    expect(keyTarget('ArrowDown', -1, 10, 100)).toBe(0);
    expect(keyTarget('ArrowUp', -1, 10, 100)).toBe(0);
    expect(keyTarget('ArrowDown', 4, 10, 100)).toBe(5);
    expect(keyTarget('ArrowUp', 4, 10, 100)).toBe(3);
    expect(keyTarget('PageDown', 4, 10, 100)).toBe(14);
    expect(keyTarget('PageUp', 4, 10, 100)).toBe(-6); // clamped by the grid
    expect(keyTarget('Home', 40, 10, 100)).toBe(0);
    expect(keyTarget('End', 4, 10, 100)).toBe(99);
    expect(keyTarget('x', 4, 10, 100)).toBeNull();
    expect(keyTarget('Enter', 4, 10, 100)).toBeNull();
  });
});
