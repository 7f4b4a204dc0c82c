import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { useCall, useCallMutation } from '../api/queries';
import { describeError, issueMessage } from '../lib/describe-error';

/**
 * Adding a folder: the OS picker in the desktop app, a path field in the web
 * host (which has no picker).
 */
export function AddFolder({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const add = useCallMutation('library.addFolder');
  const [path, setPath] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const submit = async (folder: string) => {
    setMessage(null);
    try {
      await add.mutateAsync({ path: folder });
      setPath('');
      setMessage({ kind: 'ok', text: t('folders.added', { path: folder }) });
    } catch (error) {
      setMessage({ kind: 'error', text: t('folders.error', { reason: describeError(error, issueMessage) }) });
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (path.trim()) void submit(path.trim());
  };

  return (
    <div className={compact ? 'add-folder compact' : 'add-folder'}>
      {api.host === 'electron' ? (
        <button
          type="button"
          className="primary"
          onClick={() =>
            void api
              .call('dialog.pickFolder', { title: t('firstRun.pick') })
              .then((picked) => (picked ? submit(picked) : undefined))
          }
        >
          {t('firstRun.pick')}
        </button>
      ) : (
        <form onSubmit={onSubmit} className="field-row">
          <label className="field">
            <span>{t('firstRun.pathLabel')}</span>
            <input
              name="folderPath"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              placeholder={t('firstRun.pathPlaceholder')}
              spellCheck={false}
              autoComplete="off"
            />
          </label>
          <button type="submit" className="primary" disabled={add.isPending || !path.trim()}>
            {t('firstRun.add')}
          </button>
        </form>
      )}
      {message && (
        <p
          role={message.kind === 'error' ? 'alert' : 'status'}
          className={message.kind === 'error' ? 'status-error' : 'status-ok'}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}

/** The folder list with remove and rescan. */
export function FolderList() {
  const { t } = useTranslation();
  const folders = useCall('library.folders', {});
  const remove = useCallMutation('library.removeFolder');
  const scan = useCallMutation('library.scan');
  if (!folders.data) return null;
  return (
    <div className="folders">
      {folders.data.length === 0 ? (
        <p className="muted">{t('folders.none')}</p>
      ) : (
        <ul className="folder-list" aria-label={t('folders.title')}>
          {folders.data.map((folder) => (
            <li key={folder.id}>
              <span className="folder-path">{folder.path}</span>
              <span className="muted">
                {t('folders.trackCount', { count: folder.trackCount })}
                {!folder.available && ` · ${t('folders.unavailable')}`}
              </span>
              <button
                type="button"
                aria-label={t('folders.remove', { path: folder.path })}
                onClick={() => remove.mutate({ path: folder.path })}
              >
                {t('folders.removeShort')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {folders.data.length > 0 && (
        <button type="button" onClick={() => scan.mutate({})} disabled={scan.isPending}>
          {t('folders.rescan')}
        </button>
      )}
    </div>
  );
}
