import type { CallInput, CallName, CallOutput } from '../../../shared/contract';

/**
 * The paging rules of `usePagedWindow`, without React: which pages a visible
 * range needs, the query for one page (its cache key is the call and its
 * input, so a page already held is not fetched again and a new query asks for
 * new keys), and the window the answered pages make.
 */

/** Calls that answer `{ total, offset, rows }` for `{ offset, limit, ... }`. */
export type PagedCall = {
  [N in CallName]: CallOutput<N> extends { total: number; offset: number; rows: unknown[] }
    ? CallInput<N> extends { offset?: number; limit?: number }
      ? N
      : never
    : never;
}[CallName];

export type RowOf<N extends PagedCall> = CallOutput<N> extends { rows: (infer R)[] } ? R : never;
export type BaseInput<N extends PagedCall> = Omit<CallInput<N>, 'offset' | 'limit'>;
export type VisibleRange = { start: number; end: number } | null;

export const PAGE_SIZE = 200;
/** A page stays fresh this long: scrolling back and forth does not ask again. */
export const PAGE_STALE_MS = 30_000;

export interface PagedWindow<R> {
  /** Known total (null before the first page answered). */
  total: number | null;
  rowAt(index: number): R | undefined;
  isFetching: boolean;
  error: Error | null;
}

/** The pages under `visible`, in order; page 0 always (it answers the total). */
export function pagesInView(visible: VisibleRange): number[] {
  const set = new Set<number>([0]);
  if (visible && visible.end >= visible.start) {
    for (let p = Math.floor(visible.start / PAGE_SIZE); p <= Math.floor(visible.end / PAGE_SIZE); p++)
      set.add(p);
  }
  return [...set];
}

/** How a page is asked for; `call` is the contract client (`api.call` in the app). */
export type PageCaller = <N extends PagedCall>(name: N, input: CallInput<N>) => Promise<CallOutput<N>>;

/** The query (cache key, fetch, freshness) for one page of `name` with `base`. */
export function pageQuery<N extends PagedCall>(name: N, base: BaseInput<N>, page: number, call: PageCaller) {
  const input = { ...(base as object), offset: page * PAGE_SIZE, limit: PAGE_SIZE } as CallInput<N>;
  return {
    queryKey: [name, input] as const,
    queryFn: () => call(name, input),
    staleTime: PAGE_STALE_MS,
  };
}

/** What one page's query holds (a TanStack query result has these). */
export interface PageResult {
  data?: unknown;
  isFetching: boolean;
  error: Error | null;
}

/** The window the pages' answers make: `results[i]` is the answer for `pages[i]`. */
export function combinePages<R>(pages: readonly number[], results: readonly PageResult[]): PagedWindow<R> {
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

/** The rows at `indices` from their pages (pages loaded by `loadPage`, each once), in the order asked, skipping rows past the end. */
export async function rowsFromPages<R>(
  indices: number[],
  loadPage: (page: number) => Promise<{ rows: R[] }>,
): Promise<R[]> {
  const pages = [...new Set(indices.map((i) => Math.floor(i / PAGE_SIZE)))];
  const loaded = new Map<number, R[]>();
  await Promise.all(pages.map(async (page) => loaded.set(page, (await loadPage(page)).rows)));
  return indices
    .map((i) => loaded.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE])
    .filter((r): r is R => r !== undefined);
}
