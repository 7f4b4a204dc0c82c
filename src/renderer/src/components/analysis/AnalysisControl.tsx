import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCall, useCallMutation } from '../../api/queries';

/**
 * "Measure loudness, BPM and key": starts the library's background analysis
 * of tracks without those tags (library.analyse) and shows its progress.
 * The measured ReplayGain is what the player's normalisation then uses.
 */
export function AnalysisControl() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const status = useCall('library.analysisStatus', {});
  const analyse = useCallMutation('library.analyse');
  const cancel = useCallMutation('library.cancelAnalysis');
  const asked = analyse.isSuccess;
  const s = status.data;
  if (!s) return null;
  // The answer is the new status: shown at once (api/invalidations.ts has it refetched too).
  const show = { onSuccess: (next: typeof s) => client.setQueryData(['library.analysisStatus', {}], next) };
  if (s.state === 'running') {
    return (
      <div
        className="scan-progress"
        role="region"
        aria-label={t('analysis.label')}
        data-testid="analysis-progress"
      >
        <div className="scan-progress-text">
          <span>{t('analysis.progress', { done: s.done, total: s.total })}</span>
        </div>
        <progress aria-label={t('analysis.label')} max={s.total} value={s.done} />
        <button type="button" onClick={() => cancel.mutate({}, show)}>
          {t('analysis.cancel')}
        </button>
      </div>
    );
  }
  const last = s.last;
  return (
    <div
      className="analysis-control"
      style={{ display: 'flex', gap: 8, alignItems: 'center', margin: '4px 0 8px' }}
    >
      <button
        type="button"
        title={t('analysis.buttonHelp')}
        data-testid="analyse-library"
        onClick={() => analyse.mutate({}, show)}
      >
        {t('analysis.button')}
      </button>
      {asked && last === null && s.total === 0 && (
        <span className="muted" role="status">
          {t('analysis.nothing')}
        </span>
      )}
      {last && (
        <span className="muted" role="status">
          {last.cancelled
            ? t('analysis.stopped')
            : t('analysis.finished', { count: last.analysed, failed: last.failed })}
        </span>
      )}
    </div>
  );
}
