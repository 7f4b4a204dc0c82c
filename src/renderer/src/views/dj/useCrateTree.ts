import { useState, type DragEvent } from 'react';
import type { DjList } from '../../../../shared/contract/dj';
import { useCallMutation } from '../../api/queries';
import { addToList, isItemList } from './actions';
import { LIST_TYPE, REFS_TYPE, hasType, readDragRefs } from './dnd';

const COLLAPSED_KEY = 'resonate.crates.collapsed';

/** Folders the user closed, kept across restarts (a nicety: unreadable storage opens them all). */
function loadCollapsed(): Set<number> {
  try {
    return new Set(
      (JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? '[]') as unknown[]).filter(
        (n): n is number => typeof n === 'number',
      ),
    );
  } catch {
    return new Set();
  }
}

export function childrenOf(lists: DjList[], parentId: number | null): DjList[] {
  return lists.filter((l) => l.parentId === parentId).sort((a, b) => a.position - b.position);
}

/** Which folders are closed, and toggling one (remembered in localStorage). */
export function useCollapsedFolders() {
  const [collapsed, setCollapsed] = useState<Set<number>>(loadCollapsed);
  const toggleFolder = (id: number) => {
    const next = new Set(collapsed);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setCollapsed(next);
    try {
      localStorage.setItem(COLLAPSED_KEY, JSON.stringify([...next]));
    } catch {
      // Open or closed folders are a nicety.
    }
  };
  return { collapsed, toggleFolder };
}

/** Dropping tracks on a crate or playlist (adds them) and lists on a folder or the title (moves them). */
export function useCrateDrop() {
  // A failed move leaves the tree as it was: nothing to say.
  const moveList = useCallMutation('dj.moveList');
  const [dropTarget, setDropTarget] = useState<number | null>(null);
  const onDragOver = (event: DragEvent, list: DjList) => {
    const accepts =
      (isItemList(list) && hasType(event, REFS_TYPE)) ||
      (list.kind === 'folder' && hasType(event, LIST_TYPE));
    if (!accepts) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = hasType(event, LIST_TYPE) ? 'move' : 'copy';
    setDropTarget(list.id);
  };
  const onDrop = (event: DragEvent, list: DjList) => {
    event.preventDefault();
    setDropTarget(null);
    const refs = readDragRefs(event);
    if (refs && isItemList(list)) return void addToList(list, refs);
    const moved = Number(event.dataTransfer.getData(LIST_TYPE));
    if (moved && list.kind === 'folder' && moved !== list.id) {
      moveList.mutate({ id: moved, parentId: list.id, beforeId: null });
    }
  };
  const onTitleDrop = (event: DragEvent) => {
    const moved = Number(event.dataTransfer.getData(LIST_TYPE));
    if (moved) moveList.mutate({ id: moved, parentId: null, beforeId: null });
  };
  return { dropTarget, clearDropTarget: () => setDropTarget(null), onDragOver, onDrop, onTitleDrop };
}

export type CrateDrop = ReturnType<typeof useCrateDrop>;
