import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCredits } from '../../../../shared/pricing';
import { usePlayer } from '../../player/store';

/** A brief, quiet notice that a play was charged: the price and which of the nine paid plays it was, in words. */
export function ChargeNoticeText() {
  const { t } = useTranslation();
  const notice = usePlayer((s) => s.chargeNotice);
  const dismiss = usePlayer((s) => s.dismissChargeNotice);
  useEffect(() => {
    if (!notice) return;
    const id = setTimeout(dismiss, 8_000);
    return () => clearTimeout(id);
  }, [notice, dismiss]);
  const values = notice && {
    n: notice.paidPlayNumber,
    title: notice.title,
    price: formatCredits(notice.chargeThousandths),
  };
  return (
    <p className="np-notice" role="status" data-testid="charge-notice">
      {values && (
        <>
          {t(values.n === 9 ? 'player.chargedOwned' : 'player.charged', values)}{' '}
          <button type="button" className="link small" onClick={dismiss}>
            {t('player.dismissNotice')}
          </button>
        </>
      )}
    </p>
  );
}

/** What went wrong playing the current track, while the player is in error. */
export function PlayerError() {
  const { t } = useTranslation();
  const error = usePlayer((s) => (s.status === 'error' ? s.error : null));
  if (!error) return null;
  return (
    <p className="status-error np-error" role="alert">
      {t('player.error', { message: error })}
    </p>
  );
}
