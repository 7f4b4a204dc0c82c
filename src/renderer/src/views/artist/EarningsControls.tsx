import { useTranslation } from 'react-i18next';
import type { EarningsGroupBy } from '../../../../shared/contract/artist';
import { GROUPS, PERIODS, type PeriodChoice } from './earnings-period';
import type { CsvExportState } from './useCsvExport';
import type { EarningsControlsState } from './useEarnings';

/** Period (with custom dates), grouping, and the CSV download. */
export function EarningsControls({
  controls: c,
  csv,
}: {
  controls: EarningsControlsState;
  csv: CsvExportState;
}) {
  const { t } = useTranslation();
  return (
    <div className="earnings-controls">
      <label className="inline-field">
        <span>{t('artist.earnings.period')}</span>
        <select
          value={c.period}
          onChange={(ev) => c.setPeriod(ev.target.value as PeriodChoice)}
          data-testid="earnings-period"
        >
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              {t(`artist.earnings.periods.${p}`)}
            </option>
          ))}
        </select>
      </label>
      {c.period === 'custom' && (
        <>
          <label className="inline-field">
            <span>{t('artist.earnings.from')}</span>
            <input type="date" value={c.fromDate} onChange={(ev) => c.setFromDate(ev.target.value)} />
          </label>
          <label className="inline-field">
            <span>{t('artist.earnings.to')}</span>
            <input type="date" value={c.toDate} onChange={(ev) => c.setToDate(ev.target.value)} />
          </label>
        </>
      )}
      <label className="inline-field">
        <span>{t('artist.earnings.groupBy')}</span>
        <select
          value={c.groupBy}
          onChange={(ev) => c.setGroupBy(ev.target.value as EarningsGroupBy)}
          data-testid="earnings-group"
        >
          {GROUPS.map((g) => (
            <option key={g} value={g}>
              {t(`artist.earnings.groups.${g}`)}
            </option>
          ))}
        </select>
      </label>
      <CsvExport csv={csv} />
    </div>
  );
}

function CsvExport({ csv }: { csv: CsvExportState }) {
  const { t } = useTranslation();
  return (
    <div className="csv-export">
      <button type="button" onClick={csv.exportCsv} data-testid="export-csv">
        {t('artist.earnings.csv')}
      </button>
      {csv.link && (
        <a href={csv.link.url} download={csv.link.file} data-testid="csv-link">
          {t('artist.earnings.csvReady', { file: csv.link.file })}
        </a>
      )}
      {csv.error && (
        <p role="alert" className="status-error">
          {csv.error}
        </p>
      )}
    </div>
  );
}
