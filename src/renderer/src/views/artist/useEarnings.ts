import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EarningsGroupBy, EarningsRow } from '../../../../shared/contract/artist';
import { useCall } from '../../api/queries';
import { rangeOf, type PeriodChoice } from './earnings-period';

/** The earnings report for the period and grouping the user picked; the previous answer stays while the next loads. */
export function useEarnings(artistId: string) {
  const { t } = useTranslation();
  const [period, setPeriod] = useState<PeriodChoice>('all');
  const [fromDate, setFromDate] = useState('');
  const [toDate, setToDate] = useState('');
  const [groupBy, setGroupBy] = useState<EarningsGroupBy>('track');
  const range = useMemo(() => rangeOf(period, fromDate, toDate), [period, fromDate, toDate]);
  const earnings = useCall('artist.earnings', { artistId, groupBy, ...range }, { keepPrevious: true });
  const report = earnings.data;
  const labelOf = (r: EarningsRow) => (groupBy === 'track' ? (r.title ?? r.key) : r.key);
  // Periods read left to right in time; tracks keep the server's order (by share).
  const chartRows = report
    ? groupBy === 'track'
      ? report.rows
      : [...report.rows].sort((a, b) => (a.key < b.key ? -1 : 1))
    : [];
  return {
    controls: { period, setPeriod, fromDate, setFromDate, toDate, setToDate, groupBy, setGroupBy },
    range,
    report,
    error: earnings.isError ? earnings.error : null,
    group: t(`artist.earnings.groups.${groupBy}`).toLowerCase(),
    labelOf,
    chartRows,
  };
}

export type EarningsControlsState = ReturnType<typeof useEarnings>['controls'];
