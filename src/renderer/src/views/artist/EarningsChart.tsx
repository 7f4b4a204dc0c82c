import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { EarningsRow } from '../../../../shared/contract/artist';
import { creditsOfTenThousandths } from './money';

const WIDTH = 720;
const HEIGHT = 220;
const LEFT = 64;
const BOTTOM = 40;
const PLOT_H = HEIGHT - BOTTOM - 16;

/** Your share per row as bars; the table holds the same numbers (the chart's text alternative). */
export function EarningsChart({
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
  const slot = (WIDTH - LEFT - 8) / rows.length;
  const bar = Math.max(2, Math.min(48, slot * 0.7));
  return (
    <figure className="earnings-figure">
      <svg
        className="earnings-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        data-testid="earnings-chart"
      >
        <title id={titleId}>{t('artist.earnings.chartTitle', { group })}</title>
        <desc id={descId}>{t('artist.earnings.chartDesc', { group })}</desc>
        <line x1={LEFT} y1={16} x2={LEFT} y2={16 + PLOT_H} className="axis" />
        <line x1={LEFT} y1={16 + PLOT_H} x2={WIDTH - 8} y2={16 + PLOT_H} className="axis" />
        <text x={LEFT - 6} y={20} className="tick" textAnchor="end">
          {creditsOfTenThousandths(max)}
        </text>
        <text x={LEFT - 6} y={16 + PLOT_H} className="tick" textAnchor="end">
          0
        </text>
        {rows.map((r, i) => (
          <Bar
            key={r.key}
            row={r}
            label={labelOf(r)}
            x={LEFT + i * slot + (slot - bar) / 2}
            width={bar}
            height={(r.artistShareTenThousandths / max) * PLOT_H}
            showLabel={rows.length <= 16 || i % Math.ceil(rows.length / 16) === 0}
          />
        ))}
      </svg>
    </figure>
  );
}

function Bar({
  row,
  label,
  x,
  width,
  height,
  showLabel,
}: {
  row: EarningsRow;
  label: string;
  x: number;
  width: number;
  height: number;
  showLabel: boolean;
}) {
  return (
    <g>
      <rect
        x={x}
        y={16 + PLOT_H - height}
        width={width}
        height={Math.max(height, row.artistShareTenThousandths > 0 ? 1 : 0)}
        className="bar"
      >
        <title>{`${label}: ${creditsOfTenThousandths(row.artistShareTenThousandths)}`}</title>
      </rect>
      {showLabel && (
        <text x={x + width / 2} y={HEIGHT - BOTTOM + 16} className="tick" textAnchor="middle">
          {label.length > 12 ? `${label.slice(0, 11)}…` : label}
        </text>
      )}
    </g>
  );
}
