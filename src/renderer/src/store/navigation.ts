import { useNavigate, useRouterState } from '@tanstack/react-router';
import { useCallback, useMemo } from 'react';

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

/** Each view's address (the hash part: `#/albums`); the library is the start page. */
export const VIEW_PATHS = {
  library: '/',
  albums: '/albums',
  artists: '/artists',
  coop: '/coop',
  collection: '/collection',
  history: '/history',
  wallet: '/wallet',
  account: '/account',
  problems: '/problems',
  settings: '/settings',
  dj: '/dj',
  release: '/release',
  earnings: '/earnings',
  coopNode: '/coop-node',
} as const satisfies Record<ViewId, string>;

/** The views with a second address segment: an album, an artist, a DJ list, a wallet section. */
const WITH_DETAIL = new Set<ViewId>(['albums', 'artists', 'dj', 'wallet']);

const VIEW_BY_PATH = new Map<string, ViewId>(
  Object.entries(VIEW_PATHS).map(([view, path]) => [path, view as ViewId]),
);

export interface Location {
  view: ViewId;
  /** Extra selection within a view, e.g. an album or artist id. */
  detail: string | null;
}

/** Which view an address shows; an unknown address is the library (the router sends it there too). */
export function locate(pathname: string): Location {
  const [first = '', second, ...rest] = pathname.split('/').filter(Boolean);
  const view = VIEW_BY_PATH.get(`/${first}`) ?? 'library';
  if (view === 'library' || rest.length > 0) return { view: 'library', detail: null };
  if (second === undefined || !WITH_DETAIL.has(view)) return { view, detail: null };
  return { view, detail: decodeURIComponent(second) };
}

/** The address of a view (and its detail, for the views that have one). */
export function addressOf(view: ViewId, detail: string | null = null): string {
  const base = VIEW_PATHS[view];
  return detail !== null && WITH_DETAIL.has(view) ? `${base}/${encodeURIComponent(detail)}` : base;
}

interface NavigationState extends Location {
  /** Opens a view (a new history entry, so Back returns) and moves focus to it. */
  go(view: ViewId, detail?: string | null): void;
}

/** Moves focus to the new view for keyboard and screen-reader users. */
function focusMain(): void {
  document.getElementById('main')?.focus({ preventScroll: true });
}

/** A typed navigation to a view: the detail views have a route with a parameter of their own. */
function navigateTo(navigate: ReturnType<typeof useNavigate>, view: ViewId, detail: string | null) {
  if (detail !== null) {
    switch (view) {
      case 'albums':
        return navigate({ to: '/albums/$albumId', params: { albumId: detail } });
      case 'artists':
        return navigate({ to: '/artists/$artistId', params: { artistId: detail } });
      case 'dj':
        return navigate({ to: '/dj/$listId', params: { listId: detail } });
      case 'wallet':
        return navigate({ to: '/wallet/$section', params: { section: detail } });
    }
  }
  return navigate({ to: VIEW_PATHS[view] });
}

/**
 * The current view, read from the router's location, and `go` to open another.
 * A thin adapter over the router, so views need not know about addresses.
 * Takes an optional selector, like the store it replaced.
 */
export function useNavigation(): NavigationState;
export function useNavigation<T>(select: (state: NavigationState) => T): T;
export function useNavigation<T>(select?: (state: NavigationState) => T): T | NavigationState {
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const navigate = useNavigate();
  const go = useCallback(
    (view: ViewId, detail: string | null = null) => {
      void navigateTo(navigate, view, detail);
      // Now, not once the view is shown: a view may then move the focus on (the voucher field).
      queueMicrotask(focusMain);
    },
    [navigate],
  );
  const state = useMemo(() => ({ ...locate(pathname), go }), [pathname, go]);
  return select ? select(state) : state;
}
