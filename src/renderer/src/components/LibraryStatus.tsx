import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ScanStatus, WatchState } from '../../../shared/contract/library';
import { useCall, useCallMutation } from '../api/queries';
import { AnalysisControl } from './analysis/AnalysisControl';

/** The scan progress bar (done/total, rate, folder, cancel) and the watch notice. */
export function LibraryStatus() {
  const { t } = useTranslation();
  const scan = useCall('library.scanStatus', {});
  const watch = useCall('library.watchState', {});
  return (
    <>
      {scan.data && <ScanProgress status={scan.data} />}
      {watch.data && <WatchNotice state={watch.data} />}
      <AnalysisControl />
      {scan.error && (
        <p role="alert" className="status-error">
          {t('errors.generic', { message: scan.error.message })}
        </p>
      )}
    </>
  );
}

function ScanProgress({ status }: { status: ScanStatus }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const cancelScan = useCallMutation('library.cancelScan');
  if (status.state !== 'scanning') {
    const last = status.last;
    if (!last || (last.failed === 0 && last.added === 0 && !last.cancelled)) return null;
    return (
      <p className="scan-summary" role="status">
        {last.cancelled ? t('scan.cancelled') : t('scan.finished', last)}
      </p>
    );
  }
  const known = status.total > 0 && status.phase !== 'listing';
  return (
    <div className="scan-progress" role="region" aria-label={t('scan.label')} data-testid="scan-progress">
      <div className="scan-progress-text">
        <span>
          {known
            ? t('scan.progress', {
                done: status.done,
                total: status.total,
                rate: t('scan.rate', { count: Math.round(status.rate) }),
              })
            : t('scan.listing')}
        </span>
        {status.currentFolder && (
          <span className="muted scan-folder">{t('scan.folder', { folder: status.currentFolder })}</span>
        )}
      </div>
      <progress
        aria-label={t('scan.label')}
        max={known ? status.total : undefined}
        value={known ? status.done : undefined}
      />
      <button
        type="button"
        onClick={() =>
          cancelScan.mutate({}, { onSuccess: (s) => client.setQueryData(['library.scanStatus', {}], s) })
        }
      >
        {t('scan.cancel')}
      </button>
    </div>
  );
}

function WatchNotice({ state }: { state: WatchState }) {
  const { t } = useTranslation();
  if (state.mode === 'watching') return null;
  const text =
    state.mode === 'polling'
      ? state.pollIntervalMs
        ? t('watch.polling', { minutes: Math.max(1, Math.round(state.pollIntervalMs / 60_000)) })
        : t('watch.pollingNoInterval')
      : t('watch.off');
  return (
    <p className="watch-notice" role="note" data-testid="watch-notice">
      {text}
      {state.reason ? ` (${state.reason})` : ''}
    </p>
  );
}
