import { forwardRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCredits } from '../../../shared/pricing';
import { useS2OCall } from '../api/stream2own';
import { useLibraryView } from '../store/library';
import { useNavigation } from '../store/navigation';

/** The search box: narrows the library as you type (the main process searches). */
export const SearchBox = forwardRef<HTMLInputElement>(function SearchBox(_props, ref) {
  const { t } = useTranslation();
  const text = useLibraryView((s) => s.searchText);
  const setText = useLibraryView((s) => s.setSearchText);
  const { view, go } = useNavigation();
  return (
    <div className="search" role="search">
      <input
        ref={ref}
        type="search"
        aria-label={t('search.label')}
        placeholder={t('search.placeholder')}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (view !== 'library') go('library');
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setText('');
          if (e.key === 'Enter' || e.key === 'ArrowDown') {
            e.preventDefault();
            document.querySelector<HTMLElement>('[data-testid="track-table"]')?.focus();
          }
        }}
        spellCheck={false}
        autoComplete="off"
      />
    </div>
  );
});

/** The wallet balance, with the low-balance warning; hidden where the host has no wallet. */
export function WalletBadge() {
  const { t } = useTranslation();
  const wallet = useS2OCall('wallet.get', {});
  const go = useNavigation((s) => s.go);
  if (!wallet.data) return null;
  const w = wallet.data;
  return (
    <button
      type="button"
      className={w.lowBalance ? 'wallet-badge low' : 'wallet-badge'}
      onClick={() => go('wallet')}
      data-testid="wallet-balance"
      aria-label={`${t('s2o.balance')}: ${t('s2o.balanceValue', { credits: formatCredits(w.spendableThousandths) })}${w.lowBalance ? ` (${t('s2o.lowBalance')})` : ''}`}
    >
      <span className="muted">{t('s2o.balance')}</span> <strong>{formatCredits(w.spendableThousandths)}</strong>
      {w.lowBalance && <span className="badge badge-warn">{t('s2o.lowBalance')}</span>}
    </button>
  );
}
