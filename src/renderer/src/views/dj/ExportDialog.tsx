import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DjList } from '../../../../shared/contract/dj';
import { useCallMutation } from '../../api/queries';
import { describeError } from '../../lib/describe-error';
import { ExportForm, ExportProgress } from './ExportParts';
import { Modal } from './Modal';
import { useExportJob } from './useExportJob';

/** Export a crate or playlist: destination path (or the OS picker), progress from dj.exportProgress, cancel, result. */
export function ExportDialog({ list, onClose }: { list: DjList; onClose(): void }) {
  const { t } = useTranslation();
  const job = useExportJob(list);
  return (
    <Modal title={t('dj.export.title', { name: list.name })} onClose={onClose} testId="export-dialog">
      <ExportForm job={job} onClose={onClose} />
      {job.error && (
        <p role="alert" className="status-error">
          {job.error}
        </p>
      )}
      {job.status && <ExportProgress status={job.status} running={job.running} />}
    </Modal>
  );
}

/** Import an M3U, M3U8 or PLS playlist as a new crate (path field; the OS picker picks folders only). */
export function ImportDialog({ onClose, onImported }: { onClose(): void; onImported(list: DjList): void }) {
  const { t } = useTranslation();
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const importPlaylist = useCallMutation('dj.importPlaylist');
  const result = importPlaylist.data ?? null;
  const error = importPlaylist.error ? describeError(importPlaylist.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    importPlaylist.mutate(
      { path: path.trim(), ...(name.trim() ? { name: name.trim() } : {}), parentId: null },
      { onSuccess: (r) => onImported(r.list) },
    );
  };
  return (
    <Modal title={t('dj.import.title')} onClose={onClose} testId="import-dialog">
      <form onSubmit={submit} className="dj-form">
        <label className="field">
          <span>{t('dj.import.path')}</span>
          <input
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/home/you/set.m3u8"
            spellCheck={false}
            required
          />
        </label>
        <label className="field">
          <span>{t('dj.import.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <div className="button-row">
          <button type="submit" className="primary" disabled={!path.trim()}>
            {t('dj.import.start')}
          </button>
          <button type="button" onClick={onClose}>
            {t('dj.close')}
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="status-error">
          {error}
        </p>
      )}
      {result && (
        <div role="status">
          <p>{t('dj.import.done', { name: result.list.name, count: result.matched })}</p>
          {result.unmatched.length > 0 && (
            <>
              <p>{t('dj.import.unmatched', { count: result.unmatched.length })}</p>
              <ul className="mono">
                {result.unmatched.slice(0, 50).map((u) => (
                  <li key={u}>{u}</li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </Modal>
  );
}
