import { QueriesObserver, QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { CallInput } from '../../../src/shared/contract';
import {
  PAGE_SIZE,
  combinePages,
  pageQuery,
  pagesInView,
  rowsFromPages,
  type PageCaller,
  type PagedWindow,
  type VisibleRange,
} from '../../../src/renderer/src/hooks/paged-window';

type Input = CallInput<'library.tracks'>;
type Row = { label: string };

/**
 * A fake library of `total` rows answering `library.tracks` pages; every call
 * is recorded, and an answer can be held back until the test releases it.
 */
function fakeLibrary(total: number) {
  const calls: Input[] = [];
  const held: { input: Input; release(): void }[] = [];
  let holding = false;
  const answer = (input: Input) => {
    const offset = input.offset ?? 0;
    const end = Math.min(total, offset + (input.limit ?? PAGE_SIZE));
    const rows = Array.from({ length: Math.max(0, end - offset) }, (_, i) => ({
      label: `${input.search ?? ''}#${offset + i}`,
    }));
    return { total, offset, rows };
  };
  const call = ((_name: string, input: Input) => {
    calls.push(input);
    if (!holding) return Promise.resolve(answer(input));
    return new Promise((resolve) => held.push({ input, release: () => resolve(answer(input)) }));
  }) as unknown as PageCaller;
  return {
    call,
    calls,
    held,
    hold: (on: boolean) => (holding = on),
    pagesAsked: () => calls.map((c) => (c.offset ?? 0) / PAGE_SIZE),
  };
}

/** The hook without React: the same queries through TanStack's QueriesObserver (what `useQueries` runs on). */
function pagedWindow(client: QueryClient, call: PageCaller) {
  let pages: number[] = [];
  const observer = new QueriesObserver(client, []);
  const unsubscribe = observer.subscribe(() => undefined);
  return {
    show(base: Omit<Input, 'offset' | 'limit'>, visible: VisibleRange) {
      pages = pagesInView(visible);
      observer.setQueries(pages.map((page) => pageQuery('library.tracks', base, page, call)));
    },
    current: (): PagedWindow<Row> => combinePages<Row>(pages, observer.getCurrentResult()),
    unsubscribe,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const newClient = () => new QueryClient({ defaultOptions: { queries: { retry: false } } });

describe('pages a visible window needs', () => {
  it('page 0 always (it answers the total), then every page the range touches', () => {
    expect(pagesInView(null)).toEqual([0]);
    expect(pagesInView({ start: 0, end: 30 })).toEqual([0]);
    expect(pagesInView({ start: PAGE_SIZE - 5, end: PAGE_SIZE + 5 })).toEqual([0, 1]);
    expect(pagesInView({ start: 5 * PAGE_SIZE + 10, end: 7 * PAGE_SIZE })).toEqual([0, 5, 6, 7]);
    // An empty range (the virtualizer before layout) asks only for page 0.
    expect(pagesInView({ start: 10, end: 3 })).toEqual([0]);
  });

  it('a page asks for its own offset and limit, keeping the rest of the query', () => {
    const lib = fakeLibrary(1000);
    const q = pageQuery('library.tracks', { search: 'x', sort: 'title' }, 3, lib.call);
    expect(q.queryKey).toEqual([
      'library.tracks',
      { search: 'x', sort: 'title', offset: 3 * PAGE_SIZE, limit: PAGE_SIZE },
    ]);
  });
});

describe('the paged window', () => {
  it('fetches the pages on screen and shows their rows at their indices', async () => {
    const lib = fakeLibrary(1000);
    const grid = pagedWindow(newClient(), lib.call);
    grid.show({}, { start: 390, end: 420 });
    expect(grid.current().total).toBeNull();
    expect(grid.current().isFetching).toBe(true);
    await settle();
    const w = grid.current();
    expect(lib.pagesAsked().sort((a, b) => a - b)).toEqual([0, 1, 2]);
    expect(w.total).toBe(1000);
    expect(w.isFetching).toBe(false);
    expect(w.rowAt(0)?.label).toBe('#0');
    expect(w.rowAt(399)?.label).toBe('#399');
    expect(w.rowAt(400)?.label).toBe('#400');
    // Not on screen, not fetched: a placeholder row.
    expect(w.rowAt(700)).toBeUndefined();
    grid.unsubscribe();
  });

  it('does not fetch a page twice when scrolling back to it', async () => {
    const lib = fakeLibrary(2000);
    const grid = pagedWindow(newClient(), lib.call);
    grid.show({}, { start: 0, end: 30 });
    await settle();
    grid.show({}, { start: 1000, end: 1030 });
    await settle();
    grid.show({}, { start: 10, end: 40 });
    await settle();
    grid.show({}, { start: 1005, end: 1035 });
    await settle();
    expect(lib.pagesAsked()).toEqual([0, 5]);
    expect(grid.current().rowAt(1010)?.label).toBe('#1010');
    grid.unsubscribe();
  });

  it('drops a late answer for the previous query: the new search shows only its own rows', async () => {
    const lib = fakeLibrary(500);
    const grid = pagedWindow(newClient(), lib.call);
    lib.hold(true);
    grid.show({ search: 'old' }, { start: 0, end: 30 });
    grid.show({ search: 'new' }, { start: 0, end: 30 });
    expect(lib.held.map((h) => h.input.search)).toEqual(['old', 'new']);
    // The old search answers after the new one was asked for.
    lib.held[0]!.release();
    await settle();
    expect(grid.current().rowAt(0)).toBeUndefined();
    expect(grid.current().total).toBeNull();
    lib.held[1]!.release();
    await settle();
    expect(grid.current().rowAt(0)?.label).toBe('new#0');
    expect(grid.current().rowAt(199)?.label).toBe('new#199');
    grid.unsubscribe();
  });

  it('says when a page failed, and keeps the rows of the pages that answered', async () => {
    const client = newClient();
    const lib = fakeLibrary(1000);
    const failing = ((name: 'library.tracks', input: Input) =>
      (input.offset ?? 0) === PAGE_SIZE
        ? Promise.reject(new Error('disk gone'))
        : lib.call(name, input)) as PageCaller;
    const grid = pagedWindow(client, failing);
    grid.show({}, { start: 150, end: 250 });
    await settle();
    const w = grid.current();
    expect(w.error?.message).toBe('disk gone');
    expect(w.total).toBe(1000);
    expect(w.rowAt(150)?.label).toBe('#150');
    expect(w.rowAt(250)).toBeUndefined();
    grid.unsubscribe();
  });
});

describe('rows for an action (play, move, drag) from their pages', () => {
  it('loads each page once and answers the rows in the order asked, skipping rows past the end', async () => {
    const loads: number[] = [];
    const rows = await rowsFromPages([450, 3, 401, 5, 9999], async (page) => {
      loads.push(page);
      const start = page * PAGE_SIZE;
      const size = Math.max(0, Math.min(PAGE_SIZE, 460 - start)); // The list ends at 460.
      return { rows: Array.from({ length: size }, (_, i) => start + i) };
    });
    expect(rows).toEqual([450, 3, 401, 5]);
    expect(loads.sort((a, b) => a - b)).toEqual([0, 2, 49]);
  });
});
