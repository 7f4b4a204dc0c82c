import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Correction } from '../../../shared/contract/sync';
import { formatCredits } from '../../../shared/pricing';
import { useCall, useCallMutation } from '../api/queries';
import '../styles/account.css';

function useCorrectionText() {
  const { t } = useTranslation();
  return (c: Correction) => {
    const values = {
      title: c.title || c.trackId,
      from: formatCredits(c.estimatedThousandths),
      to: formatCredits(c.actualThousandths),
      reason: c.reason ?? t('sync.corrections.noReason'),
    };
    return t(`sync.corrections.${c.kind}`, values);
  };
}

/**
 * What the server settled differently from this device's estimate, said
 * plainly: a changed price, a play the wallet could not cover, a rejected
 * receipt. Shown until dismissed.
 */
export function CorrectionsNotice() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const status = useCall('sync.status', {});
  const unseen = status.data?.unseenCorrections ?? 0;
  const list = useCall('sync.corrections', { limit: 20 }, { enabled: unseen > 0 });
  const dismiss = useCallMutation('sync.corrections');
  const text = useCorrectionText();
  if (unseen === 0 || !list.data || list.data.corrections.length === 0) return null;
  const shown = list.data.corrections.slice(0, unseen);
  return (
    <section
      className="corrections-notice"
      aria-labelledby="corrections-title"
      data-testid="corrections-notice"
    >
      <h2 id="corrections-title">{t('sync.corrections.title', { count: shown.length })}</h2>
      <ul>
        {shown.map((c) => (
          <li key={c.id}>{text(c)}</li>
        ))}
      </ul>
      <button
        type="button"
        onClick={() =>
          dismiss.mutate(
            { markSeen: true, limit: 1 },
            { onSuccess: () => void client.invalidateQueries({ queryKey: ['sync.corrections'] }) },
          )
        }
      >
        {t('sync.corrections.dismiss')}
      </button>
    </section>
  );
}
