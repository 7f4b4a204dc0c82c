import { create } from 'zustand';

export type ViewId =
  | 'library'
  | 'albums'
  | 'artists'
  | 'coop'
  | 'collection'
  | 'history'
  | 'wallet'
  | 'account'
  | 'problems'
  | 'settings'
  | 'dj'
  | 'release'
  | 'earnings'
  | 'coopNode';

interface NavigationState {
  view: ViewId;
  /** Extra selection within a view, e.g. an album or artist id. */
  detail: string | null;
  go(view: ViewId, detail?: string | null): void;
}

export const useNavigation = create<NavigationState>((set) => ({
  view: 'library',
  detail: null,
  go: (view, detail = null) => {
    set({ view, detail });
    // Move focus to the new view for keyboard and screen-reader users.
    queueMicrotask(() => document.getElementById('main')?.focus({ preventScroll: true }));
  },
}));
