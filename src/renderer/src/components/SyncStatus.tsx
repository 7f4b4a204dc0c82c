import { useTranslation } from 'react-i18next';
import { formatCredits } from '../../../shared/pricing';
import { useNow } from '../api/account';
import { relativeTime } from '../lib/format';
import { useCall, useCallMutation } from '../api/queries';
import { useNavigation } from '../store/navigation';
import '../styles/account.css';

/** The header chip: the signed-in email, or "Sign in"; opens the Account view. */
export function AccountChip() {
  const { t } = useTranslation();
  const account = useCall('account.status', {});
  const go = useNavigation((s) => s.go);
  if (!account.data) return null;
  const a = account.data;
  return (
    <button
      type="button"
      className={a.signedIn ? 'account-chip' : 'account-chip signed-out'}
      onClick={() => go('account')}
      data-testid="account-chip"
      aria-label={a.signedIn ? t('account.chipSignedIn', { email: a.email }) : t('account.signIn')}
    >
      {a.signedIn ? a.email : t('account.signIn')}
    </button>
  );
}

/**
 * The sync state in the header: online / offline / syncing / error, plays
 * waiting to be sent, the allowance left, the last sync, and "Sync now". The
 * numbers are the main process's; nothing is computed here.
 */
export function SyncStatusBar() {
  const { t, i18n } = useTranslation();
  const status = useCall('sync.status', {});
  const syncNow = useCallMutation('sync.now');
  const now = useNow();
  if (!status.data) return null;
  const s = status.data;
  const busy = s.state === 'syncing' || syncNow.isPending;
  const last = s.lastSyncAtMs
    ? t('sync.lastSync', { when: relativeTime(s.lastSyncAtMs, now, i18n.language, t('sync.justNow')) })
    : t('sync.never');
  const detail = [
    t(`sync.states.${s.state}`),
    last,
    s.state !== 'signed_out'
      ? t('sync.allowanceLeft', { credits: formatCredits(s.spendableThousandths) })
      : null,
    s.lastError && s.state !== 'online' ? t('sync.lastError', { message: s.lastError.message }) : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <div className="sync-status" data-testid="sync-status" data-state={s.state}>
      <span className={`sync-dot sync-${s.state}`} aria-hidden="true" />
      <span className="sync-text" title={detail}>
        <span data-testid="sync-state">{t(`sync.states.${s.state}`)}</span>
        {s.state !== 'signed_out' && (
          <span className="muted sync-last" data-testid="sync-last">
            {' '}
            · {last}
          </span>
        )}
      </span>
      {s.pendingReceipts > 0 && (
        <span className="badge badge-pending" data-testid="sync-pending">
          {t('sync.pending', { count: s.pendingReceipts })}
        </span>
      )}
      {s.state !== 'signed_out' && (
        <button
          type="button"
          className="small"
          onClick={() => syncNow.mutate({})}
          disabled={busy}
          data-testid="sync-now"
          title={detail}
        >
          {busy ? t('sync.syncing') : t('sync.now')}
        </button>
      )}
      <span className="visually-hidden" role="status">
        {s.state === 'offline' || s.state === 'error' ? detail : ''}
      </span>
    </div>
  );
}
