import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSkipNotice } from '../player/skip-notice';

const SHOWN_MS = 10_000;

/** "Could not play “X”: …" under the player, for a few seconds after a track failed to play. */
export function SkipNoticeText() {
  const { t } = useTranslation();
  const notice = useSkipNotice((s) => s.notice);
  const clear = useSkipNotice((s) => s.clear);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => clear(notice.seq), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [notice, clear]);
  if (!notice) return null;
  return (
    <p className="status-error np-error" role="alert" data-testid="skip-notice">
      {t(notice.skipped ? 'player.skipped' : 'player.failed', { title: notice.title })}
    </p>
  );
}
