import { useTranslation } from 'react-i18next';
import { useCall } from '../../api/queries';
import { ArtistPicker } from './ArtistPicker';
import { AuditReport } from './AuditReport';
import { EarningsChart } from './EarningsChart';
import { EarningsControls } from './EarningsControls';
import { EarningsTable, EarningsTotals } from './EarningsTable';
import { Membership } from './Membership';
import { useArtistPicker } from './useArtistPicker';
import { useAuditReport } from './useAuditReport';
import { useCsvExport } from './useCsvExport';
import { useEarnings } from './useEarnings';
import './earnings.css';

/** Earnings per track and period, as a table and a chart, CSV, membership, and the verified audit report. */
export function EarningsView() {
  const { t } = useTranslation();
  const picker = useArtistPicker();
  return (
    <section className="view view-scroll earnings-view" aria-labelledby="earnings-title">
      <div className="view-head">
        <h1 id="earnings-title">{t('artist.earnings.title')}</h1>
      </div>
      <p className="lead">{t('artist.earnings.intro')}</p>
      {!picker.loading && !picker.signedIn && <p>{t('artist.needsAccount')}</p>}
      {picker.error && (
        <p role="alert" className="status-error">
          {t('artist.unavailable', { message: picker.error.message })}
        </p>
      )}
      {picker.signedIn && !picker.loading && !picker.error && picker.artists.length === 0 && (
        <p>{t('artist.noProfiles')}</p>
      )}
      {picker.artistId && (
        <>
          <div className="earnings-controls">
            <ArtistPicker
              artists={picker.artists}
              artistId={picker.artistId}
              onChange={picker.setArtistId}
              testId="earnings-artist"
            />
          </div>
          <ArtistEarnings key={picker.artistId} artistId={picker.artistId} />
        </>
      )}
    </section>
  );
}

/** One artist's figures: the hooks hold the choices and calls, the parts below only show them. */
function ArtistEarnings({ artistId }: { artistId: string }) {
  const { t } = useTranslation();
  const earnings = useEarnings(artistId);
  const csv = useCsvExport(artistId, earnings.controls.groupBy, earnings.range);
  const audit = useAuditReport(artistId, earnings.range);
  const membership = useCall('artist.membership', {}, { staleTime: 60_000 });
  const { report, group, labelOf } = earnings;
  return (
    <>
      <EarningsControls controls={earnings.controls} csv={csv} />
      {earnings.error && (
        <p role="alert" className="status-error">
          {t('artist.unavailable', { message: earnings.error.message })}
        </p>
      )}
      {report && (
        <>
          <EarningsTotals totals={report.totals} />
          <EarningsChart rows={earnings.chartRows} group={group} labelOf={labelOf} />
          {report.rows.length === 0 ? (
            <p className="muted">{t('artist.earnings.none')}</p>
          ) : (
            <EarningsTable
              report={report}
              groupBy={earnings.controls.groupBy}
              group={group}
              labelOf={labelOf}
            />
          )}
          <p className="muted small">{t('artist.earnings.unpaidHelp')}</p>
          <p className="muted small" data-testid="previews-note">
            {report.previewsNote}
          </p>
        </>
      )}
      <h2 id="membership-title">{t('artist.earnings.membership')}</h2>
      <Membership membership={membership.data} error={membership.isError ? membership.error : null} />
      <h2 id="audit-title">{t('artist.earnings.audit')}</h2>
      <AuditReport report={audit} />
    </>
  );
}
