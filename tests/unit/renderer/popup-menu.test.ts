import { describe, expect, it } from 'vitest';
import { menuKeyAction, menuPosition } from '../../../src/renderer/src/hooks/popup-menu';

describe('menuKeyAction (keys in a popup menu)', () => {
  it('closes on Escape and on Tab', () => {
    expect(menuKeyAction('Escape', 1, 3)).toEqual({ kind: 'close' });
    expect(menuKeyAction('Tab', 0, 3)).toEqual({ kind: 'close' });
  });

  it('moves round the entries with the arrows, wrapping at both ends', () => {
    expect(menuKeyAction('ArrowDown', 0, 3)).toEqual({ kind: 'focus', index: 1 });
    expect(menuKeyAction('ArrowDown', 2, 3)).toEqual({ kind: 'focus', index: 0 });
    expect(menuKeyAction('ArrowUp', 0, 3)).toEqual({ kind: 'focus', index: 2 });
    expect(menuKeyAction('ArrowDown', -1, 3)).toEqual({ kind: 'focus', index: 0 });
  });

  it('leaves other keys, and arrows in an empty menu, to the browser', () => {
    expect(menuKeyAction('Enter', 0, 3)).toBeNull();
    expect(menuKeyAction('a', 0, 3)).toBeNull();
    expect(menuKeyAction('ArrowDown', -1, 0)).toBeNull();
  });
});

describe('menuPosition', () => {
  const viewport = { innerWidth: 1000, innerHeight: 800 };

  it('opens at the pointer when the menu fits', () => {
    expect(menuPosition({ x: 100, y: 200 }, 4, viewport)).toEqual({ left: 100, top: 200 });
  });

  it('moves in from the right and bottom edges so the menu stays in the window', () => {
    expect(menuPosition({ x: 990, y: 790 }, 4, viewport)).toEqual({ left: 760, top: 640 });
  });
});
