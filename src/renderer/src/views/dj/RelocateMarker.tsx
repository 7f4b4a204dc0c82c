import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PickFolderButton } from '../../components/PickFolderButton';
import { useCallMutation } from '../../api/queries';
import { describeError } from '../../lib/describe-error';
import { Modal } from './Modal';

/**
 * The "file missing" marker of a track in a list, with Relocate: the user
 * names the file (or a folder to look in) and the track is bound to it
 * again, by content or by title, artist and length, keeping its plays.
 */
/** What Relocate needs of a track (a library row or a DJ row). */
export interface RelocatableTrack {
  id: number;
  title: string;
  path: string;
}

export function RelocateMarker({ track, label }: { track: RelocatableTrack; label?: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="dj-missing status-error"
        data-testid="relocate"
        title={t('dj.relocate.hint')}
        aria-label={t('dj.relocate.open', { title: track.title })}
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
      >
        {label ?? t('dj.relocate.marker')}
      </button>
      {open && <RelocateDialog track={track} onClose={() => setOpen(false)} />}
    </>
  );
}

function RelocateDialog({ track, onClose }: { track: RelocatableTrack; onClose(): void }) {
  const { t } = useTranslation();
  const [path, setPath] = useState('');
  // The rows that show the track (library, problems, DJ lists) are refetched as api/invalidations.ts says.
  const relocate = useCallMutation('library.relocate');
  const busy = relocate.isPending;
  const error = relocate.error ? describeError(relocate.error) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    relocate.mutate({ id: track.id, path: path.trim() }, { onSuccess: onClose });
  };
  return (
    <Modal title={t('dj.relocate.title', { title: track.title })} onClose={onClose} testId="relocate-dialog">
      <form onSubmit={submit}>
        <p className="muted">{t('dj.relocate.intro', { path: track.path })}</p>
        <div className="field-row">
          <label className="field">
            <span>{t('dj.relocate.path')}</span>
            <input
              value={path}
              onChange={(e) => setPath(e.target.value)}
              spellCheck={false}
              autoComplete="off"
              required
            />
          </label>
          <PickFolderButton title={t('dj.relocate.pick')} onPicked={setPath} />
        </div>
        {error && (
          <p role="alert" className="status-error">
            {error}
          </p>
        )}
        <div className="button-row">
          <button type="submit" className="primary" disabled={busy || !path.trim()}>
            {t('dj.relocate.submit')}
          </button>
          <button type="button" onClick={onClose}>
            {t('dj.relocate.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
