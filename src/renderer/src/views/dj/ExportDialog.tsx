import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DjList, ExportStatus } from '../../../../shared/contract/dj';
import { PickFolderButton } from '../../components/PickFolderButton';
import { fetchCall, useCallMutation, useEvent } from '../../api/queries';
import { describeError } from '../../lib/describe-error';
import { formatBytes } from '../../lib/format';
import { Modal } from './Modal';

const RUNNING = new Set(['preparing', 'copying', 'writing']);

/** Export a crate or playlist: destination path (or the OS picker), progress from dj.exportProgress, cancel, result. */
export function ExportDialog({ list, onClose }: { list: DjList; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const [destination, setDestination] = useState('');
  const [pattern, setPattern] = useState('');
  const client = useQueryClient();
  const [status, setStatus] = useState<ExportStatus | null>(null);
  const exportList = useCallMutation('dj.export');
  const cancelExport = useCallMutation('dj.cancelExport');
  const error = exportList.error ? describeError(exportList.error) : null;
  useEvent('dj.exportProgress', (s) => {
    if (status && s.jobId === status.jobId) setStatus(s);
  });
  const running = status !== null && RUNNING.has(status.state);

  const start = async (event: FormEvent) => {
    event.preventDefault();
    const first = await exportList
      .mutateAsync({
        listId: list.id,
        destination: destination.trim(),
        ...(pattern.trim() ? { fileNamePattern: pattern.trim() } : {}),
      })
      .catch(() => null); // shown from the mutation's error
    if (!first) return;
    setStatus(first);
    // The export may be done before the first event arrives: ask once more (the events go on otherwise).
    const now = await fetchCall(client, 'dj.exportStatus', { jobId: first.jobId }).catch(() => null);
    if (now) setStatus((s) => (s && s.jobId === now.jobId && !RUNNING.has(s.state) ? s : now));
  };
  const cancel = () => {
    if (status) cancelExport.mutate({ jobId: status.jobId }, { onSuccess: setStatus });
  };
  const percent =
    status && status.bytesTotal > 0 ? Math.round((status.bytesDone / status.bytesTotal) * 100) : 0;

  return (
    <Modal title={t('dj.export.title', { name: list.name })} onClose={onClose} testId="export-dialog">
      <form onSubmit={(e) => void start(e)} className="dj-form">
        <div className="field-row">
          <label className="field grow">
            <span>{t('dj.export.destination')}</span>
            <input
              value={destination}
              onChange={(e) => setDestination(e.target.value)}
              placeholder={t('dj.export.destinationPlaceholder')}
              spellCheck={false}
              required
            />
          </label>
          <PickFolderButton title={t('dj.export.pick')} onPicked={setDestination} />
        </div>
        <label className="field">
          <span>{t('dj.export.pattern')}</span>
          <input
            value={pattern}
            onChange={(e) => setPattern(e.target.value)}
            placeholder="{artist} - {title}"
            spellCheck={false}
          />
          <small>{t('dj.export.patternHelp')}</small>
        </label>
        <div className="button-row">
          <button type="submit" className="primary" disabled={running || !destination.trim()}>
            {status && !running ? t('dj.export.again') : t('dj.export.start')}
          </button>
          {running && (
            <button type="button" onClick={cancel}>
              {t('dj.export.cancel')}
            </button>
          )}
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
      {status && (
        <div className="dj-export-status" data-testid="export-status" data-state={status.state}>
          <progress max={100} value={percent} aria-label={t('dj.export.progress')} />
          <p role="status">
            {t(`dj.export.states.${status.state}`)} ·{' '}
            {t('dj.export.files', { done: status.filesDone + status.filesSkipped, total: status.filesTotal })}{' '}
            · {formatBytes(status.bytesDone, i18n.language)} / {formatBytes(status.bytesTotal, i18n.language)}
          </p>
          {status.currentFile && running && <p className="muted mono">{status.currentFile}</p>}
          {status.state === 'done' && (
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
          )}
          {status.error && <p className="status-error">{status.error}</p>}
          {status.problems.length > 0 && (
            <>
              <h3>{t('dj.export.problems', { count: status.problems.length })}</h3>
              <ul>
                {status.problems.map((p) => (
                  <li key={p.label}>
                    {p.label}: {p.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
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
