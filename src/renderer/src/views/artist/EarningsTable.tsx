import { useTranslation } from 'react-i18next';
import type {
  Earnings,
  EarningsFigures,
  EarningsGroupBy,
  EarningsRow,
} from '../../../../shared/contract/artist';
import { creditsOfTenThousandths, eurosOfTenThousandths, formatCredits, formatEuros } from './money';

export function Money({ tenThousandths, thousandths }: { tenThousandths?: number; thousandths?: number }) {
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

/** The totals at the top of the view: plays, purchases, credits spent and the two shares. */
export function EarningsTotals({ totals }: { totals: EarningsFigures }) {
  const { t } = useTranslation();
  const c = (key: string) => t(`artist.earnings.columns.${key}`);
  return (
    <dl
      className="earnings-totals"
      aria-label={t('artist.earnings.totalsLabel')}
      data-testid="earnings-totals"
    >
      <div>
        <dt>{c('total')}</dt>
        <dd>{totals.totalPlays}</dd>
      </div>
      <div>
        <dt>{c('paid')}</dt>
        <dd>{totals.paidPlays}</dd>
      </div>
      <div>
        <dt>{c('purchases')}</dt>
        <dd data-testid="total-purchases">{totals.purchases}</dd>
      </div>
      <div>
        <dt>{c('spent')}</dt>
        <dd>
          <Money thousandths={totals.spentThousandths} />
        </dd>
      </div>
      <div>
        <dt>{c('artist')}</dt>
        <dd data-testid="total-artist-share">
          <Money tenThousandths={totals.artistShareTenThousandths} />
        </dd>
      </div>
      <div>
        <dt>{c('coop')}</dt>
        <dd>
          <Money tenThousandths={totals.coopShareTenThousandths} />
        </dd>
      </div>
    </dl>
  );
}

const NUMBER_COLUMNS = [
  'total',
  'paid',
  'free',
  'unpaid',
  'playSpent',
  'playArtist',
  'purchases',
  'purchaseSpent',
  'purchaseArtist',
  'spent',
  'artist',
  'coop',
];

/** One row per track or period, and the totals as its foot; wider than the view, so a scrollable region. */
export function EarningsTable({
  report,
  groupBy,
  group,
  labelOf,
}: {
  report: Earnings;
  groupBy: EarningsGroupBy;
  group: string;
  labelOf(r: EarningsRow): string;
}) {
  const { t } = useTranslation();
  const label = t('artist.earnings.tableLabel', { group });
  return (
    // Wider than the view on a small window: a region the keyboard can scroll too.
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      <table className="simple-table earnings-table" aria-label={label} data-testid="earnings-table">
        <thead>
          <tr>
            <th scope="col">
              {groupBy === 'track' ? t('artist.earnings.columns.key') : t('artist.earnings.columns.period')}
            </th>
            {NUMBER_COLUMNS.map((column) => (
              <th key={column} scope="col" className="num">
                {t(`artist.earnings.columns.${column}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr key={r.key} data-key={r.key}>
              <th scope="row">{labelOf(r)}</th>
              <FigureCells figures={r} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('artist.earnings.total')}</th>
            <FigureCells figures={report.totals} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function FigureCells({ figures: f }: { figures: EarningsFigures }) {
  return (
    <>
      <td className="num">{f.totalPlays}</td>
      <td className="num">{f.paidPlays}</td>
      <td className="num">{f.freePlays}</td>
      <td className="num">{f.unpaidPlays}</td>
      <SplitCells figures={f} />
      <td className="num">
        <Money thousandths={f.spentThousandths} />
      </td>
      <td className="num">
        <Money tenThousandths={f.artistShareTenThousandths} />
      </td>
      <td className="num">
        <Money tenThousandths={f.coopShareTenThousandths} />
      </td>
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
