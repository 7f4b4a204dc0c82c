import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCallMutation } from '../../api/queries';
import { describeError } from '../../lib/describe-error';
import { useReleaseDraft } from './release-store';

/** Open a folder as a draft: path field in the web host, the OS picker in Electron. */
export function OpenFolder() {
  const { t } = useTranslation();
  const setDraft = useReleaseDraft((s) => s.setDraft);
  const [path, setPath] = useState('');
  const openDraft = useCallMutation('release.openDraft');
  const busy = openDraft.isPending;
  const error = openDraft.error ? describeError(openDraft.error) : null;
  const open = (folder: string) =>
    openDraft.mutate({ folder }, { onSuccess: (draft) => setDraft(draft.draftId) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (path.trim()) open(path.trim());
  };
  return (
    <div className="release-open">
      {api.host === 'electron' && (
        <button
          type="button"
          className="primary"
          onClick={() =>
            void api
              .call('dialog.pickFolder', { title: t('artist.preview.pick') })
              .then((p) => (p ? open(p) : undefined))
          }
        >
          {t('artist.preview.pick')}
        </button>
      )}
      <form onSubmit={submit} className="field-row">
        <label className="field">
          <span>{t('artist.preview.pathLabel')}</span>
          <input
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/home/you/Releases/My Album"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <button type="submit" disabled={busy || !path.trim()}>
          {t('artist.preview.open')}
        </button>
      </form>
      {error && (
        <p role="alert" className="status-error">
          {t('artist.preview.openError', { reason: error })}
        </p>
      )}
    </div>
  );
}
