import { forwardRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCredits } from '../../../shared/pricing';
import { useCall } from '../api/queries';
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

/**
 * The wallet in the header: the account balance and, when this device holds
 * only part of it for plays offline (the allowance), that part too, so
 * "2.044 of 5.018" never reads as lost money; the tooltip says what each is.
 * The low-balance mark is only for someone who uses the co-op (signed in,
 * with counted co-op plays). Hidden where the host has no wallet, and for a
 * device that never had one.
 */
export function WalletBadge() {
  const { t } = useTranslation();
  const wallet = useCall('wallet.get', {});
  const account = useCall('account.status', {});
  const plays = useCall('wallet.history', { limit: 1 });
  const go = useNavigation((s) => s.go);
  if (!wallet.data) return null;
  const w = wallet.data;
  const signedIn = account.data?.signedIn ?? false;
  if (!signedIn && w.balanceThousandths === 0 && w.spendableThousandths === 0) return null;
  const usesCoop = signedIn && (plays.data?.entries.length ?? 0) > 0;
  const low = w.lowBalance && usesCoop;
  const balance = formatCredits(w.balanceThousandths);
  const spendable = formatCredits(w.spendableThousandths);
  const partOffline = w.spendableThousandths !== w.balanceThousandths;
  const tooltip = [
    t('s2o.badge.balanceTip', { balance }),
    partOffline ? t('s2o.badge.offlineTip', { spendable }) : t('s2o.badge.allTip'),
    low ? t('s2o.badge.lowTip') : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type="button"
      className={low ? 'wallet-badge low' : 'wallet-badge'}
      onClick={() => go('wallet')}
      data-testid="wallet-balance"
      title={tooltip}
      aria-label={`${t('s2o.badge.label', { balance })}${partOffline ? `, ${t('s2o.badge.offline', { spendable })}` : ''}${low ? ` (${t('s2o.lowBalance')})` : ''}`}
    >
      <span className="muted">{t('s2o.balance')}</span>{' '}
      <strong data-testid="wallet-balance-value">{balance}</strong>
      {partOffline && (
        <span className="wallet-offline" data-testid="wallet-offline">
          · {t('s2o.badge.offline', { spendable })}
        </span>
      )}
      {low && <span className="badge badge-warn">{t('s2o.lowBalance')}</span>}
    </button>
  );
}
