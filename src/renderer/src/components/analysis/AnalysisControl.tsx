import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall, useEvent } from '../../api/queries';

/**
 * "Measure loudness, BPM and key": starts the library's background analysis
 * of tracks without those tags (library.analyse) and shows its progress.
 * The measured ReplayGain is what the player's normalisation then uses.
 */
export function AnalysisControl() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const status = useCall('library.analysisStatus', {});
  const [asked, setAsked] = useState(false);
  useEvent('library.analysisProgress', (next) => {
    client.setQueryData(['library.analysisStatus', {}], next);
    // Measured BPM and key show in the DJ views, whose cached pages are not refetched while they are not open.
    if (next.state === 'idle' && next.last) {
      for (const key of ['dj.query', 'dj.listItems']) void client.invalidateQueries({ queryKey: [key] });
    }
  });
  const s = status.data;
  if (!s) return null;
  const set = (next: typeof s) => client.setQueryData(['library.analysisStatus', {}], next);
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
        <button type="button" onClick={() => void api.call('library.cancelAnalysis', {}).then(set)}>
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
        onClick={() => {
          setAsked(true);
          void api.call('library.analyse', {}).then(set);
        }}
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
