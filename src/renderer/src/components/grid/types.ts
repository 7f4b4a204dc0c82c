import type { ReactNode } from 'react';

/** The grid's column and sort shapes (here so the grid's parts need not import the grid). */
export interface Column<R> {
  id: string;
  label: string;
  /** Default width in px. */
  width: number;
  align?: 'start' | 'end';
  /** The sort field this column's header sorts by (sorting is done by the main process). */
  sortField?: string;
  render(row: R, index: number): ReactNode;
  /** Plain text for the cell's accessible description where `render` is graphical. */
  text?(row: R): string;
  /** Hidden until the user shows it with the column chooser (right click on the header). */
  defaultHidden?: boolean;
}

export interface SortState {
  field: string;
  direction: 'asc' | 'desc';
}
