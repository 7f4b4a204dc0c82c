import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { queryClient } from '../../api/queries';
import { refreshLists } from './actions';
import { describeError } from '../../lib/describe-error';
import { Modal } from './Modal';

/** Library queries that show the track: refetched once it plays again. */
const SHOWING = [
  'library.tracks',
  'library.track',
  'library.albums',
  'library.album',
  'library.artist',
  'library.problems',
  'dj.query',
];

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.call('library.relocate', { id: track.id, path: path.trim() });
      for (const key of SHOWING) void queryClient.invalidateQueries({ queryKey: [key] });
      refreshLists();
      onClose();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={t('dj.relocate.title', { title: track.title })} onClose={onClose} testId="relocate-dialog">
      <form onSubmit={(e) => void submit(e)}>
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
          {api.host === 'electron' && (
            <button
              type="button"
              onClick={() =>
                void api
                  .call('dialog.pickFolder', { title: t('dj.relocate.pick') })
                  .then((p) => p && setPath(p))
              }
            >
              {t('dj.relocate.pick')}
            </button>
          )}
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
