import { useTranslation } from 'react-i18next';
import type { TlogStatus } from '../../../shared/contract/tlog';
import { useCall, useCallMutation } from '../api/queries';
import '../styles/tlog.css';

/** The public log's status; `tlog.changed` keeps it current (api/live-events.ts). */
export function useLogStatus() {
  return useCall('tlog.status', {}).data ?? null;
}

/**
 * The warning a user cannot miss: the co-op server's public log failed a
 * check (a play left out, history rewritten, two histories, a forged
 * signature). It stays while the failure is on record; the evidence (both
 * signed checkpoints) can be saved to a file.
 */
export function LogWarning() {
  const { t } = useTranslation();
  const status: TlogStatus | null = useLogStatus();
  const exported = useCallMutation('tlog.exportEvidence');
  if (!status || status.state !== 'warning' || status.failures.length === 0) return null;
  return (
    <section
      className="log-warning"
      role="alert"
      aria-labelledby="log-warning-title"
      data-testid="log-warning"
    >
      <h2 id="log-warning-title">{t('tlog.warning.title')}</h2>
      <p>{t('tlog.warning.intro')}</p>
      <ul>
        {status.failures.slice(0, 5).map((f) => (
          <li key={f.id} data-testid="log-failure" data-kind={f.kind}>
            <strong>{t(`tlog.kinds.${f.kind}`)}</strong>: {f.message}
          </li>
        ))}
      </ul>
      <div className="log-warning-actions">
        <button type="button" onClick={() => exported.mutate({})} disabled={exported.isPending}>
          {t('tlog.warning.export')}
        </button>
        {exported.data && (
          <span data-testid="log-evidence-path">{t('tlog.warning.saved', { path: exported.data.path })}</span>
        )}
      </div>
    </section>
  );
}
