import { useQueries, type QueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { CallInput, CallName, CallOutput } from '../../../shared/contract';
import { api } from '../api/client';

/** Calls that answer `{ total, offset, rows }` for `{ offset, limit, ... }`. */
type PagedCall = {
  [N in CallName]: CallOutput<N> extends { total: number; offset: number; rows: unknown[] }
    ? CallInput<N> extends { offset?: number; limit?: number }
      ? N
      : never
    : never;
}[CallName];

type RowOf<N extends PagedCall> = CallOutput<N> extends { rows: (infer R)[] } ? R : never;
type BaseInput<N extends PagedCall> = Omit<CallInput<N>, 'offset' | 'limit'>;

export const PAGE_SIZE = 200;

export interface PagedWindow<R> {
  /** Known total (null before the first page answered). */
  total: number | null;
  rowAt(index: number): R | undefined;
  isFetching: boolean;
  error: Error | null;
}

const pageKey = (name: string, base: unknown, page: number) => [
  name,
  { ...(base as object), offset: page * PAGE_SIZE, limit: PAGE_SIZE },
];

/**
 * Rows of a long list fetched in windows of PAGE_SIZE as they come into view:
 * `visible` is the range the virtualizer shows. Sorting and searching happen
 * in the main process; the UI thread only holds the pages on screen.
 */
export function usePagedWindow<N extends PagedCall, R = RowOf<N>>(
  name: N,
  base: BaseInput<N>,
  visible: { start: number; end: number } | null,
): PagedWindow<R> {
  const pages = useMemo(() => {
    const set = new Set<number>([0]);
    if (visible && visible.end >= visible.start) {
      for (let p = Math.floor(visible.start / PAGE_SIZE); p <= Math.floor(visible.end / PAGE_SIZE); p++)
        set.add(p);
    }
    return [...set];
  }, [visible]);
  const results = useQueries({
    queries: pages.map((page) => ({
      queryKey: pageKey(name, base, page),
      queryFn: () => api.call(name, { ...base, offset: page * PAGE_SIZE, limit: PAGE_SIZE } as CallInput<N>),
      staleTime: 30_000,
    })),
  });
  const byPage = new Map<number, R[]>();
  let total: number | null = null;
  let isFetching = false;
  let error: Error | null = null;
  results.forEach((result, i) => {
    const data = result.data as { total: number; rows: R[] } | undefined;
    if (data) {
      byPage.set(pages[i]!, data.rows);
      total ??= data.total;
    }
    isFetching ||= result.isFetching;
    error ??= result.error;
  });
  return {
    total,
    isFetching,
    error,
    rowAt: (index) => byPage.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
  };
}

/** Fetches (or reads from the cache) the rows at these indices. */
export async function fetchRows<N extends PagedCall>(
  client: QueryClient,
  name: N,
  base: BaseInput<N>,
  indices: number[],
): Promise<RowOf<N>[]> {
  const pages = [...new Set(indices.map((i) => Math.floor(i / PAGE_SIZE)))];
  const loaded = new Map<number, RowOf<N>[]>();
  await Promise.all(
    pages.map(async (page) => {
      const data = (await client.fetchQuery({
        queryKey: pageKey(name, base, page),
        queryFn: () =>
          api.call(name, { ...base, offset: page * PAGE_SIZE, limit: PAGE_SIZE } as CallInput<N>),
        staleTime: 30_000,
      })) as { rows: RowOf<N>[] };
      loaded.set(page, data.rows);
    }),
  );
  return indices
    .map((i) => loaded.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE])
    .filter((r): r is RowOf<N> => r !== undefined);
}
