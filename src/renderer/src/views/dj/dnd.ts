import type { DragEvent } from 'react';
import type { TrackRef } from '../../../../shared/contract/dj';

/** Drag data kinds: tracks (refs), items of a crate (reordering), a list (nesting). */
export const REFS_TYPE = 'application/x-resonate-refs';
export const ITEMS_TYPE = 'application/x-resonate-items';
export const LIST_TYPE = 'application/x-resonate-list';

export function setDragRefs(event: DragEvent, refs: TrackRef[], label: string): void {
  event.dataTransfer.setData(REFS_TYPE, JSON.stringify(refs));
  event.dataTransfer.setData('text/plain', label);
  event.dataTransfer.effectAllowed = 'copyMove';
}

export function readDragRefs(event: DragEvent): TrackRef[] | null {
  const raw = event.dataTransfer.getData(REFS_TYPE);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as TrackRef[];
  } catch {
    return null;
  }
}

export function hasType(event: DragEvent, type: string): boolean {
  return event.dataTransfer.types.includes(type);
}
