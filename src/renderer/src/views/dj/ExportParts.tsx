import { useTranslation } from 'react-i18next';
import type { ExportStatus } from '../../../../shared/contract/dj';
import { PickFolderButton } from '../../components/PickFolderButton';
import { formatBytes } from '../../lib/format';
import type { ExportJob } from './useExportJob';

/** Destination (typed or picked), file name pattern, and start / cancel / close. */
export function ExportForm({ job, onClose }: { job: ExportJob; onClose(): void }) {
  const { t } = useTranslation();
  const { status, running } = job;
  return (
    <form onSubmit={(e) => void job.start(e)} className="dj-form">
      <div className="field-row">
        <label className="field grow">
          <span>{t('dj.export.destination')}</span>
          <input
            value={job.destination}
            onChange={(e) => job.setDestination(e.target.value)}
            placeholder={t('dj.export.destinationPlaceholder')}
            spellCheck={false}
            required
          />
        </label>
        <PickFolderButton title={t('dj.export.pick')} onPicked={job.setDestination} />
      </div>
      <label className="field">
        <span>{t('dj.export.pattern')}</span>
        <input
          value={job.pattern}
          onChange={(e) => job.setPattern(e.target.value)}
          placeholder="{artist} - {title}"
          spellCheck={false}
        />
        <small>{t('dj.export.patternHelp')}</small>
      </label>
      <div className="button-row">
        <button type="submit" className="primary" disabled={running || !job.destination.trim()}>
          {status && !running ? t('dj.export.again') : t('dj.export.start')}
        </button>
        {running && (
          <button type="button" onClick={job.cancel}>
            {t('dj.export.cancel')}
          </button>
        )}
        <button type="button" onClick={onClose}>
          {t('dj.close')}
        </button>
      </div>
    </form>
  );
}

/** The job's progress, the files it wrote once done, its error and the tracks it could not export. */
export function ExportProgress({ status, running }: { status: ExportStatus; running: boolean }) {
  const { t, i18n } = useTranslation();
  const percent = status.bytesTotal > 0 ? Math.round((status.bytesDone / status.bytesTotal) * 100) : 0;
  return (
    <div className="dj-export-status" data-testid="export-status" data-state={status.state}>
      <progress max={100} value={percent} aria-label={t('dj.export.progress')} />
      <p role="status">
        {t(`dj.export.states.${status.state}`)} ·{' '}
        {t('dj.export.files', { done: status.filesDone + status.filesSkipped, total: status.filesTotal })} ·{' '}
        {formatBytes(status.bytesDone, i18n.language)} / {formatBytes(status.bytesTotal, i18n.language)}
      </p>
      {status.currentFile && running && <p className="muted mono">{status.currentFile}</p>}
      {status.state === 'done' && <ExportedFiles status={status} />}
      {status.error && <p className="status-error">{status.error}</p>}
      {status.problems.length > 0 && <ExportProblems problems={status.problems} />}
    </div>
  );
}

function ExportedFiles({ status }: { status: ExportStatus }) {
  const { t } = useTranslation();
  return (
    <ul className="about">
      <li>
        {t('dj.export.folder')}: <span className="mono">{status.folder}</span>
      </li>
      {status.playlistFile && (
        <li>
          {t('dj.export.playlist')}: <span className="mono">{status.playlistFile}</span>
        </li>
      )}
      {status.rekordboxXmlFile && (
        <li>
          {t('dj.export.rekordbox')}: <span className="mono">{status.rekordboxXmlFile}</span>
        </li>
      )}
    </ul>
  );
}

function ExportProblems({ problems }: { problems: ExportStatus['problems'] }) {
  const { t } = useTranslation();
  return (
    <>
      <h3>{t('dj.export.problems', { count: problems.length })}</h3>
      <ul>
        {problems.map((p) => (
          <li key={p.label}>
            {p.label}: {p.reason}
          </li>
        ))}
      </ul>
    </>
  );
}
