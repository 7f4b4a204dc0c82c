import { create } from 'zustand';
import type { TrackSortField } from '../../../shared/contract/library';

interface LibraryViewState {
  /** The search as typed (shown in the box). */
  searchText: string;
  /** The search sent to the main process, a moment after typing stops. */
  search: string;
  sort: TrackSortField;
  direction: 'asc' | 'desc';
  setSearchText(text: string): void;
  sortBy(field: TrackSortField): void;
}

const DEBOUNCE_MS = 150;
let timer: ReturnType<typeof setTimeout> | null = null;

export const useLibraryView = create<LibraryViewState>((set, get) => ({
  searchText: '',
  search: '',
  sort: 'artist',
  direction: 'asc',
  setSearchText(text) {
    set({ searchText: text });
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => set({ search: get().searchText.trim() }), text.trim() === '' ? 0 : DEBOUNCE_MS);
  },
  sortBy(field) {
    const s = get();
    set(
      s.sort === field
        ? { direction: s.direction === 'asc' ? 'desc' : 'asc' }
        : { sort: field, direction: 'asc' },
    );
  },
}));
