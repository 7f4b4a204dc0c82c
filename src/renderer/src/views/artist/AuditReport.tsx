import { useTranslation } from 'react-i18next';
import type { ReportVerdict } from '../../../../shared/contract/artist';
import { creditsOfTenThousandths, formatCredits } from './money';
import type { AuditReportState } from './useAuditReport';

/** Where to save the signed report, whether pseudonyms stay stable, and the verifier's verdict once saved. */
export function AuditReport({ report: r }: { report: AuditReportState }) {
  const { t } = useTranslation();
  return (
    <div className="audit-report">
      <p className="muted">{t('artist.earnings.auditIntro')}</p>
      <form onSubmit={r.submit} className="field-row">
        <label className="field audit-path">
          <span>{t('artist.earnings.reportPath')}</span>
          <input
            value={r.path}
            onChange={(e) => r.setPath(e.target.value)}
            placeholder={r.suggested}
            spellCheck={false}
            autoComplete="off"
            data-testid="report-path"
          />
        </label>
        <label className="inline-check">
          <input type="checkbox" checked={r.stable} onChange={(e) => r.setStable(e.target.checked)} />
          <span>{t('artist.earnings.stable')}</span>
        </label>
        <button type="submit" disabled={r.busy || !r.target}>
          {t('artist.earnings.exportReport')}
        </button>
      </form>
      {r.error && (
        <p role="alert" className="status-error">
          {t('artist.earnings.error', { message: r.error })}
        </p>
      )}
      {r.verdict && <Verdict verdict={r.verdict} />}
    </div>
  );
}

function Verdict({ verdict }: { verdict: ReportVerdict }) {
  const { t } = useTranslation();
  return (
    <div
      className={verdict.ok ? 'verdict verdict-ok' : 'verdict verdict-bad'}
      role="status"
      data-testid="report-verdict"
    >
      <p>
        <strong>
          {verdict.ok
            ? t('artist.earnings.verified', { verified: verdict.verified })
            : t('artist.earnings.notVerified', { count: verdict.mismatchCount })}
        </strong>
      </p>
      <p>
        {t('artist.earnings.verdictTotals', {
          plays: verdict.totals.plays,
          paid: verdict.totals.paidPlays,
          purchases: verdict.totals.purchases,
          spent: formatCredits(verdict.totals.creditsSpentThousandths),
          artist: creditsOfTenThousandths(verdict.totals.artistShareTenThousandths),
        })}
      </p>
      <p className="muted">{t('artist.earnings.claims', verdict.claims)}</p>
      {verdict.mismatches.length > 0 && (
        <ul>
          {verdict.mismatches.map((m, i) => (
            <li key={i}>
              <code>{m.kind}</code> {m.message}
            </li>
          ))}
        </ul>
      )}
      <LogVerdict log={verdict.log} />
      <p>{t('artist.earnings.savedTo', { path: verdict.path })}</p>
      <pre className="mono command" data-testid="verify-command">
        {verdict.command}
      </pre>
    </div>
  );
}

/** The report against the public log (the leaves of the checkpoint it names): a match, or each difference plainly. */
function LogVerdict({ log }: { log: ReportVerdict['log'] }) {
  const { t } = useTranslation();
  if (!log)
    return (
      <p className="muted" data-testid="report-log">
        {t('artist.earnings.logNone')}
      </p>
    );
  if (log.ok)
    return (
      <p data-testid="report-log">
        <strong>
          {t('artist.earnings.logMatches', { size: log.checkpointSize, leaves: log.artistLeaves })}
        </strong>
      </p>
    );
  return (
    <div className="status-error" role="alert" data-testid="report-log">
      <p>
        <strong>
          {log.checkpointSize === null
            ? t('artist.earnings.logDiffers', { count: log.mismatchCount })
            : t('artist.earnings.logDiffersAt', { size: log.checkpointSize, count: log.mismatchCount })}
        </strong>
      </p>
      <ul>
        {log.mismatches.map((m, i) => (
          <li key={i}>
            <code>{m.kind}</code>{' '}
            {m.leafIndex !== null && <>({t('artist.earnings.logLeaf', { index: m.leafIndex })}) </>}
            {m.message}
          </li>
        ))}
      </ul>
      {log.checkpointSize !== null && (
        <p>
          {t('artist.earnings.logTotals', {
            plays: log.totals.plays,
            paid: log.totals.paidPlays,
            purchases: log.totals.purchases,
            artist: creditsOfTenThousandths(log.totals.artistShareTenThousandths),
          })}
        </p>
      )}
    </div>
  );
}
