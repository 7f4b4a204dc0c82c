import { create } from 'zustand';
import type { TrackSortField } from '../../../../shared/contract/library';

interface DjViewState {
  /** What is typed in the query box (checked as it is typed). */
  queryText: string;
  sort: TrackSortField;
  direction: 'asc' | 'desc';
  /** A short notice (added, duplicates, …) shown in the view's status line. */
  notice: { kind: 'ok' | 'error'; text: string } | null;
  setQueryText(text: string): void;
  sortBy(field: TrackSortField): void;
  setNotice(notice: DjViewState['notice']): void;
}

export const useDjView = create<DjViewState>((set, get) => ({
  queryText: '',
  sort: 'artist',
  direction: 'asc',
  notice: null,
  setQueryText: (queryText) => set({ queryText }),
  sortBy: (field) => {
    const { sort, direction } = get();
    set(
      sort === field
        ? { direction: direction === 'asc' ? 'desc' : 'asc' }
        : { sort: field, direction: 'asc' },
    );
  },
  setNotice: (notice) => set({ notice }),
}));
