import { useTranslation } from 'react-i18next';
import type { Stream2OwnState } from '../../../shared/contract/wallet';
import { formatCredits } from '../../../shared/pricing';

/** Plays so far as nine steps; the state is the main process's, only shown here. */
export function PlaySteps({ state }: { state: Stream2OwnState }) {
  const { t } = useTranslation();
  const label = state.owned ? t('s2o.owned') : t('s2o.steps', { count: state.paidPlays });
  return (
    <span className="play-steps" role="img" aria-label={label} title={label}>
      {Array.from({ length: 9 }, (_, i) => (
        <span key={i} className={i < state.paidPlays || state.owned ? 'step filled' : 'step'} />
      ))}
    </span>
  );
}

/** "Owned", "Free" or the next play's price. */
export function PriceTag({ state, compact = false }: { state: Stream2OwnState; compact?: boolean }) {
  const { t } = useTranslation();
  if (state.owned) return <span className="badge badge-owned">{t('s2o.owned')}</span>;
  if (state.freeReason) {
    return (
      <span className="badge badge-free" title={t(`s2o.freeReasons.${state.freeReason}`)}>
        {t('s2o.free')}
      </span>
    );
  }
  return (
    <span className={state.previewOnly ? 'price price-preview' : 'price'}>
      {compact
        ? formatCredits(state.nextPriceThousandths)
        : t('s2o.nextPrice', { price: formatCredits(state.nextPriceThousandths) })}
      {state.previewOnly && <span className="badge badge-warn">{t('s2o.previewOnly')}</span>}
    </span>
  );
}

export function Stream2OwnSummary({ state }: { state: Stream2OwnState }) {
  return (
    <span className="s2o-summary" data-testid="s2o-summary">
      <PlaySteps state={state} />
      <PriceTag state={state} />
    </span>
  );
}
