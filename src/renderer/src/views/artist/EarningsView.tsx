import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  EarningsFigures,
  EarningsGroupBy,
  EarningsRow,
  ReportVerdict,
} from '../../../../shared/contract/artist';
import { api } from '../../api/client';
import { useCall } from '../../api/queries';
import { describeError } from '../../lib/describe-error';
import { creditsOfTenThousandths, eurosOfTenThousandths, formatCredits, formatEuros } from './money';
import './earnings.css';

type PeriodChoice = 'all' | 'last30' | 'thisMonth' | 'thisYear' | 'custom';
const PERIODS: PeriodChoice[] = ['all', 'last30', 'thisMonth', 'thisYear', 'custom'];
const GROUPS: EarningsGroupBy[] = ['track', 'month', 'day', 'year'];
const DAY_MS = 86_400_000;

/** The period's [from, to) in epoch ms (UTC days, as the server groups them). */
function rangeOf(
  choice: PeriodChoice,
  fromDate: string,
  toDate: string,
  now = Date.now(),
): { from?: number; to?: number } {
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

/** Your share per row as bars; the table holds the same numbers (the chart's text alternative). */
function EarningsChart({
  rows,
  group,
  labelOf,
}: {
  rows: EarningsRow[];
  group: string;
  labelOf(r: EarningsRow): string;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const descId = useId();
  if (rows.length === 0) return <p className="muted">{t('artist.earnings.chartEmpty')}</p>;
  const max = Math.max(1, ...rows.map((r) => r.artistShareTenThousandths));
  const width = 720;
  const height = 220;
  const left = 64;
  const bottom = 40;
  const plotH = height - bottom - 16;
  const slot = (width - left - 8) / rows.length;
  const bar = Math.max(2, Math.min(48, slot * 0.7));
  return (
    <figure className="earnings-figure">
      <svg
        className="earnings-chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        data-testid="earnings-chart"
      >
        <title id={titleId}>{t('artist.earnings.chartTitle', { group })}</title>
        <desc id={descId}>{t('artist.earnings.chartDesc', { group })}</desc>
        <line x1={left} y1={16} x2={left} y2={16 + plotH} className="axis" />
        <line x1={left} y1={16 + plotH} x2={width - 8} y2={16 + plotH} className="axis" />
        <text x={left - 6} y={20} className="tick" textAnchor="end">
          {creditsOfTenThousandths(max)}
        </text>
        <text x={left - 6} y={16 + plotH} className="tick" textAnchor="end">
          0
        </text>
        {rows.map((r, i) => {
          const h = (r.artistShareTenThousandths / max) * plotH;
          const x = left + i * slot + (slot - bar) / 2;
          const label = labelOf(r);
          return (
            <g key={r.key}>
              <rect
                x={x}
                y={16 + plotH - h}
                width={bar}
                height={Math.max(h, r.artistShareTenThousandths > 0 ? 1 : 0)}
                className="bar"
              >
                <title>{`${label}: ${creditsOfTenThousandths(r.artistShareTenThousandths)}`}</title>
              </rect>
              {(rows.length <= 16 || i % Math.ceil(rows.length / 16) === 0) && (
                <text x={x + bar / 2} y={height - bottom + 16} className="tick" textAnchor="middle">
                  {label.length > 12 ? `${label.slice(0, 11)}…` : label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

function Money({ tenThousandths, thousandths }: { tenThousandths?: number; thousandths?: number }) {
  const { t } = useTranslation();
  const credits =
    thousandths !== undefined ? formatCredits(thousandths) : creditsOfTenThousandths(tenThousandths ?? 0);
  const euros =
    thousandths !== undefined ? formatEuros(thousandths) : eurosOfTenThousandths(tenThousandths ?? 0);
  return (
    <>
      <span>{t('artist.earnings.credits', { value: credits })}</span>
      <br />
      <span className="muted">{t('artist.earnings.euros', { value: euros })}</span>
    </>
  );
}

/** Paid plays and "buy the rest" purchases, each on its own: credits spent and your share from each, and how many tracks were bought. */
function SplitCells({ figures: f }: { figures: EarningsFigures }) {
  return (
    <>
      <td className="num" data-col="play-spent">
        <Money thousandths={f.playSpentThousandths} />
      </td>
      <td className="num" data-col="play-artist">
        <Money tenThousandths={f.playArtistShareTenThousandths} />
      </td>
      <td className="num" data-col="purchases">
        {f.purchases}
      </td>
      <td className="num" data-col="purchase-spent">
        <Money thousandths={f.purchaseSpentThousandths} />
      </td>
      <td className="num" data-col="purchase-artist">
        <Money tenThousandths={f.purchaseArtistShareTenThousandths} />
      </td>
    </>
  );
}

function Membership() {
  const { t } = useTranslation();
  const m = useCall('artist.membership', {}, { staleTime: 60_000 });
  if (m.isError) return <p className="muted">{t('artist.unavailable', { message: m.error.message })}</p>;
  if (!m.data) return <p className="muted">{t('grid.loading')}</p>;
  const a = m.data.artist;
  if (!a) return <p>{t('artist.earnings.noArtistMembership')}</p>;
  return (
    <div data-testid="artist-membership">
      <p>
        <strong>
          {a.member
            ? t('artist.earnings.member', { year: m.data.year })
            : t('artist.earnings.notMember', { year: m.data.year })}
        </strong>
      </p>
      <div className="progress-line">
        <progress max={100} value={a.progressPercent} aria-label={t('artist.earnings.progressLabel')} />
        <span>
          {t('artist.earnings.progress', {
            earned: a.earnedEuros,
            threshold: a.thresholdEuros,
            percent: a.progressPercent,
          })}
        </span>
      </div>
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

function AuditReport({ artistId, range }: { artistId: string; range: { from?: number; to?: number } }) {
  const { t } = useTranslation();
  const info = useCall('app.info', {});
  const [path, setPath] = useState('');
  const [stable, setStable] = useState(false);
  const [busy, setBusy] = useState(false);
  const [verdict, setVerdict] = useState<ReportVerdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const suggested = info.data
    ? `${info.data.dataDir}/reports/earnings-report-${artistId}-${new Date().toISOString().slice(0, 10)}.json`
    : '';
  const target = path.trim() || suggested;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!target) return;
    setBusy(true);
    setError(null);
    setVerdict(null);
    try {
      setVerdict(
        await api.call('artist.exportReport', { artistId, ...range, path: target, stablePseudonyms: stable }),
      );
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="audit-report">
      <p className="muted">{t('artist.earnings.auditIntro')}</p>
      <form onSubmit={(e) => void submit(e)} className="field-row">
        <label className="field audit-path">
          <span>{t('artist.earnings.reportPath')}</span>
          <input
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder={suggested}
            spellCheck={false}
            autoComplete="off"
            data-testid="report-path"
          />
        </label>
        <label className="inline-check">
          <input type="checkbox" checked={stable} onChange={(e) => setStable(e.target.checked)} />
          <span>{t('artist.earnings.stable')}</span>
        </label>
        <button type="submit" disabled={busy || !target}>
          {t('artist.earnings.exportReport')}
        </button>
      </form>
      {error && (
        <p role="alert" className="status-error">
          {t('artist.earnings.error', { message: error })}
        </p>
      )}
      {verdict && (
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
      )}
    </div>
  );
}

function CsvExport({
  artistId,
  groupBy,
  range,
}: {
  artistId: string;
  groupBy: EarningsGroupBy;
  range: { from?: number; to?: number };
}) {
  const { t } = useTranslation();
  const [link, setLink] = useState<{ url: string; file: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => () => (link ? URL.revokeObjectURL(link.url) : undefined), [link]);
  const exportCsv = async () => {
    setError(null);
    try {
      const { csv, fileName } = await api.call('artist.earningsCsv', { artistId, groupBy, ...range });
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      setLink({ url, file: fileName });
      // Start the download at once; the link stays for a second try.
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.click();
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <div className="csv-export">
      <button type="button" onClick={() => void exportCsv()} data-testid="export-csv">
        {t('artist.earnings.csv')}
      </button>
      {link && (
        <a href={link.url} download={link.file} data-testid="csv-link">
          {t('artist.earnings.csvReady', { file: link.file })}
        </a>
      )}
      {error && (
        <p role="alert" className="status-error">
          {error}
        </p>
      )}
    </div>
  );
}

function ArtistEarnings({ artistId }: { artistId: string }) {
  const { t } = useTranslation();
  const [period, setPeriod] = useState<PeriodChoice>('all');
  const [fromDate, setFromDate] = useState('');
  const [toDate, setToDate] = useState('');
  const [groupBy, setGroupBy] = useState<EarningsGroupBy>('track');
  const range = useMemo(() => rangeOf(period, fromDate, toDate), [period, fromDate, toDate]);
  const earnings = useCall('artist.earnings', { artistId, groupBy, ...range }, { keepPrevious: true });
  const group = t(`artist.earnings.groups.${groupBy}`).toLowerCase();
  const e = earnings.data;
  const labelOf = (r: EarningsRow) => (groupBy === 'track' ? (r.title ?? r.key) : r.key);
  const chartRows = e
    ? groupBy === 'track'
      ? e.rows
      : [...e.rows].sort((a, b) => (a.key < b.key ? -1 : 1))
    : [];
  return (
    <>
      <div className="earnings-controls">
        <label className="inline-field">
          <span>{t('artist.earnings.period')}</span>
          <select
            value={period}
            onChange={(ev) => setPeriod(ev.target.value as PeriodChoice)}
            data-testid="earnings-period"
          >
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                {t(`artist.earnings.periods.${p}`)}
              </option>
            ))}
          </select>
        </label>
        {period === 'custom' && (
          <>
            <label className="inline-field">
              <span>{t('artist.earnings.from')}</span>
              <input type="date" value={fromDate} onChange={(ev) => setFromDate(ev.target.value)} />
            </label>
            <label className="inline-field">
              <span>{t('artist.earnings.to')}</span>
              <input type="date" value={toDate} onChange={(ev) => setToDate(ev.target.value)} />
            </label>
          </>
        )}
        <label className="inline-field">
          <span>{t('artist.earnings.groupBy')}</span>
          <select
            value={groupBy}
            onChange={(ev) => setGroupBy(ev.target.value as EarningsGroupBy)}
            data-testid="earnings-group"
          >
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`artist.earnings.groups.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <CsvExport artistId={artistId} groupBy={groupBy} range={range} />
      </div>
      {earnings.isError && (
        <p role="alert" className="status-error">
          {t('artist.unavailable', { message: earnings.error.message })}
        </p>
      )}
      {e && (
        <>
          <dl
            className="earnings-totals"
            aria-label={t('artist.earnings.totalsLabel')}
            data-testid="earnings-totals"
          >
            <div>
              <dt>{t('artist.earnings.columns.total')}</dt>
              <dd>{e.totals.totalPlays}</dd>
            </div>
            <div>
              <dt>{t('artist.earnings.columns.paid')}</dt>
              <dd>{e.totals.paidPlays}</dd>
            </div>
            <div>
              <dt>{t('artist.earnings.columns.purchases')}</dt>
              <dd data-testid="total-purchases">{e.totals.purchases}</dd>
            </div>
            <div>
              <dt>{t('artist.earnings.columns.spent')}</dt>
              <dd>
                <Money thousandths={e.totals.spentThousandths} />
              </dd>
            </div>
            <div>
              <dt>{t('artist.earnings.columns.artist')}</dt>
              <dd data-testid="total-artist-share">
                <Money tenThousandths={e.totals.artistShareTenThousandths} />
              </dd>
            </div>
            <div>
              <dt>{t('artist.earnings.columns.coop')}</dt>
              <dd>
                <Money tenThousandths={e.totals.coopShareTenThousandths} />
              </dd>
            </div>
          </dl>
          <EarningsChart rows={chartRows} group={group} labelOf={labelOf} />
          {e.rows.length === 0 ? (
            <p className="muted">{t('artist.earnings.none')}</p>
          ) : (
            // Wider than the view on a small window: a region the keyboard can scroll too.
            <div
              className="table-scroll"
              tabIndex={0}
              role="region"
              aria-label={t('artist.earnings.tableLabel', { group })}
            >
              <table
                className="simple-table earnings-table"
                aria-label={t('artist.earnings.tableLabel', { group })}
                data-testid="earnings-table"
              >
                <thead>
                  <tr>
                    <th scope="col">
                      {groupBy === 'track'
                        ? t('artist.earnings.columns.key')
                        : t('artist.earnings.columns.period')}
                    </th>
                    <th scope="col" className="num">
                      {t('artist.earnings.columns.total')}
                    </th>
                    <th scope="col" className="num">
                      {t('artist.earnings.columns.paid')}
                    </th>
                    <th scope="col" className="num">
                      {t('artist.earnings.columns.free')}
                    </th>
                    <th scope="col" className="num">
                      {t('artist.earnings.columns.unpaid')}
                    </th>
                    <th scope="col" className="num">
                      {t('artist.earnings.columns.playSpent')}
                    </th>
                    <th scope="col" className="num">
                      {t('artist.earnings.columns.playArtist')}
                    </th>
                    <th scope="col" className="num">
                      {t('artist.earnings.columns.purchases')}
                    </th>
                    <th scope="col" className="num">
                      {t('artist.earnings.columns.purchaseSpent')}
                    </th>
                    <th scope="col" className="num">
                      {t('artist.earnings.columns.purchaseArtist')}
                    </th>
                    <th scope="col" className="num">
                      {t('artist.earnings.columns.spent')}
                    </th>
                    <th scope="col" className="num">
                      {t('artist.earnings.columns.artist')}
                    </th>
                    <th scope="col" className="num">
                      {t('artist.earnings.columns.coop')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {e.rows.map((r) => (
                    <tr key={r.key} data-key={r.key}>
                      <th scope="row">{labelOf(r)}</th>
                      <td className="num">{r.totalPlays}</td>
                      <td className="num">{r.paidPlays}</td>
                      <td className="num">{r.freePlays}</td>
                      <td className="num">{r.unpaidPlays}</td>
                      <SplitCells figures={r} />
                      <td className="num">
                        <Money thousandths={r.spentThousandths} />
                      </td>
                      <td className="num">
                        <Money tenThousandths={r.artistShareTenThousandths} />
                      </td>
                      <td className="num">
                        <Money tenThousandths={r.coopShareTenThousandths} />
                      </td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">{t('artist.earnings.total')}</th>
                    <td className="num">{e.totals.totalPlays}</td>
                    <td className="num">{e.totals.paidPlays}</td>
                    <td className="num">{e.totals.freePlays}</td>
                    <td className="num">{e.totals.unpaidPlays}</td>
                    <SplitCells figures={e.totals} />
                    <td className="num">
                      <Money thousandths={e.totals.spentThousandths} />
                    </td>
                    <td className="num">
                      <Money tenThousandths={e.totals.artistShareTenThousandths} />
                    </td>
                    <td className="num">
                      <Money tenThousandths={e.totals.coopShareTenThousandths} />
                    </td>
                  </tr>
                </tfoot>
              </table>
            </div>
          )}
          <p className="muted small">{t('artist.earnings.unpaidHelp')}</p>
          <p className="muted small" data-testid="previews-note">
            {e.previewsNote}
          </p>
        </>
      )}
      <h2 id="membership-title">{t('artist.earnings.membership')}</h2>
      <Membership />
      <h2 id="audit-title">{t('artist.earnings.audit')}</h2>
      <AuditReport artistId={artistId} range={range} />
    </>
  );
}

/** The artist picker; the first profile the account holds by default. */
export function useArtistPicker() {
  const account = useCall('account.status', {});
  const signedIn = account.data?.signedIn ?? false;
  const profiles = useCall('artist.profiles', {}, { enabled: signedIn, staleTime: 60_000 });
  const [chosen, setChosen] = useState<string | null>(null);
  const artists = profiles.data?.artists ?? [];
  const artistId = chosen && artists.some((a) => a.id === chosen) ? chosen : (artists[0]?.id ?? null);
  return {
    signedIn,
    loading: account.isLoading || (signedIn && profiles.isLoading),
    error: profiles.error,
    artists,
    artistId,
    setArtistId: setChosen,
  };
}

export function ArtistPicker({
  artists,
  artistId,
  onChange,
  testId,
}: {
  artists: { id: string; name: string }[];
  artistId: string;
  onChange(id: string): void;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <label className="inline-field">
      <span>{t('artist.profile')}</span>
      <select value={artistId} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {artists.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </label>
  );
}

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
