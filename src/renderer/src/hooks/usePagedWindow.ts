import { useQueries, type QueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../api/client';
import {
  combinePages,
  pageQuery,
  pagesInView,
  rowsFromPages,
  type BaseInput,
  type PageCaller,
  type PagedCall,
  type PagedWindow,
  type RowOf,
  type VisibleRange,
} from './paged-window';

export { PAGE_SIZE, type PagedWindow } from './paged-window';

/** Read at call time, so a test's stub of `api.call` is seen. */
const callApi: PageCaller = (name, input) => api.call(name, input);

/**
 * Rows of a long list fetched in windows of PAGE_SIZE as they come into view:
 * `visible` is the range the virtualizer shows. Sorting and searching happen
 * in the main process; the UI thread only holds the pages on screen. The
 * rules are in paged-window.ts (unit-tested without React).
 */
export function usePagedWindow<N extends PagedCall, R = RowOf<N>>(
  name: N,
  base: BaseInput<N>,
  visible: VisibleRange,
): PagedWindow<R> {
  const pages = useMemo(() => pagesInView(visible), [visible]);
  const results = useQueries({ queries: pages.map((page) => pageQuery(name, base, page, callApi)) });
  return combinePages<R>(pages, results);
}

/** Fetches (or reads from the cache) the rows at these indices. */
export function fetchRows<N extends PagedCall>(
  client: QueryClient,
  name: N,
  base: BaseInput<N>,
  indices: number[],
): Promise<RowOf<N>[]> {
  return rowsFromPages(
    indices,
    (page) => client.fetchQuery(pageQuery(name, base, page, callApi)) as Promise<{ rows: RowOf<N>[] }>,
  );
}
