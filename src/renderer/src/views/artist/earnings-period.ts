import type { EarningsGroupBy } from '../../../../shared/contract/artist';

export type PeriodChoice = 'all' | 'last30' | 'thisMonth' | 'thisYear' | 'custom';
export const PERIODS: PeriodChoice[] = ['all', 'last30', 'thisMonth', 'thisYear', 'custom'];
export const GROUPS: EarningsGroupBy[] = ['track', 'month', 'day', 'year'];
const DAY_MS = 86_400_000;

export interface EarningsRange {
  from?: number;
  to?: number;
}

/** The period's [from, to) in epoch ms (UTC days, as the server groups them). */
export function rangeOf(
  choice: PeriodChoice,
  fromDate: string,
  toDate: string,
  now = Date.now(),
): EarningsRange {
  const today = new Date(now);
  switch (choice) {
    case 'all':
      return {};
    case 'last30':
      return {
        from: Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - 29 * DAY_MS,
      };
    case 'thisMonth':
      return { from: Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1) };
    case 'thisYear':
      return { from: Date.UTC(today.getUTCFullYear(), 0, 1) };
    case 'custom': {
      const from = fromDate ? Date.parse(`${fromDate}T00:00:00Z`) : undefined;
      const to = toDate ? Date.parse(`${toDate}T00:00:00Z`) + DAY_MS : undefined;
      return { from: Number.isFinite(from) ? from : undefined, to: Number.isFinite(to) ? to : undefined };
    }
  }
}
