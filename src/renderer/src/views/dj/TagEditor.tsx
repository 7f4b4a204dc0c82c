import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalDjTrack, TagChanges } from '../../../../shared/contract/dj';
import { useCall, useCallMutation } from '../../api/queries';
import { describeError } from '../../lib/describe-error';
import { Modal } from './Modal';

type Diff = { field: string; from: string | null; to: string | null }[];

const FIELDS = ['title', 'artist', 'album', 'genre', 'bpm', 'key'] as const;

/** Edit the tags of one of the user's own files: preview what changes, then write (and undo). */
export function TagEditor({ track, onClose }: { track: LocalDjTrack; onClose(): void }) {
  const { t } = useTranslation();
  const settings = useCall('settings.get', {});
  const [values, setValues] = useState<Record<(typeof FIELDS)[number], string>>({
    title: track.title,
    artist: track.artist,
    album: track.album,
    genre: track.genre,
    bpm: track.bpm ? String(Math.round(track.bpm)) : '',
    key: (settings.data?.keyNotation === 'musical' ? track.musicalKey : track.camelotKey) ?? track.key ?? '',
  });
  const [diff, setDiff] = useState<Diff | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [written, setWritten] = useState(false);
  const ref = { source: 'local' as const, id: track.id };

  const changes = (): TagChanges => ({
    title: values.title,
    artist: values.artist,
    album: values.album,
    genre: values.genre,
    bpm: values.bpm.trim() ? Number(values.bpm) : null,
    key: values.key.trim() ? values.key.trim() : null,
  });
  // What a write or an undo makes stale (the DJ and library rows) is in api/invalidations.ts.
  const previewTags = useCallMutation('dj.previewTags');
  const writeTags = useCallMutation('dj.writeTags');
  const undoTags = useCallMutation('dj.undoTags');
  const failed = (error: Error) => setMessage({ kind: 'error', text: describeError(error) });
  const preview = (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    previewTags.mutate(
      { ref, changes: changes() },
      { onSuccess: (result) => setDiff(result.changes), onError: failed },
    );
  };
  const write = () =>
    writeTags.mutate(
      { ref, changes: changes(), keyNotation: settings.data?.keyNotation ?? 'musical' },
      {
        onSuccess: (result) => {
          setWritten(result.undoable);
          setDiff(null);
          setMessage({ kind: 'ok', text: t('dj.tags.written', { count: result.diff.changes.length }) });
        },
        onError: failed,
      },
    );
  const undo = () =>
    undoTags.mutate(
      { ref },
      {
        onSuccess: () => {
          setWritten(false);
          setMessage({ kind: 'ok', text: t('dj.tags.undone') });
        },
        onError: failed,
      },
    );

  return (
    <Modal title={t('dj.tags.title', { title: track.title })} onClose={onClose} testId="tag-editor">
      <form onSubmit={preview} className="dj-form">
        {FIELDS.map((field) => (
          <label key={field} className="field">
            <span>{t(`tracks.columns.${field}`)}</span>
            <input
              value={values[field]}
              inputMode={field === 'bpm' ? 'decimal' : undefined}
              onChange={(e) => {
                setValues({ ...values, [field]: e.target.value });
                setDiff(null);
              }}
            />
          </label>
        ))}
        <div className="button-row">
          <button type="submit">{t('dj.tags.preview')}</button>
          <button type="button" className="primary" disabled={!diff || diff.length === 0} onClick={write}>
            {t('dj.tags.write')}
          </button>
          {written && (
            <button type="button" onClick={undo}>
              {t('dj.tags.undo')}
            </button>
          )}
          <button type="button" onClick={onClose}>
            {t('dj.close')}
          </button>
        </div>
      </form>
      {diff &&
        (diff.length === 0 ? (
          <p role="status">{t('dj.tags.noChange')}</p>
        ) : (
          <table className="simple-table" aria-label={t('dj.tags.diffLabel')} data-testid="tag-diff">
            <thead>
              <tr>
                <th scope="col">{t('dj.tags.field')}</th>
                <th scope="col">{t('dj.tags.from')}</th>
                <th scope="col">{t('dj.tags.to')}</th>
              </tr>
            </thead>
            <tbody>
              {diff.map((c) => (
                <tr key={c.field}>
                  <th scope="row">{t(`tracks.columns.${c.field}`)}</th>
                  <td>
                    <del>{c.from ?? t('dj.tags.empty')}</del>
                  </td>
                  <td>
                    <ins>{c.to ?? t('dj.tags.empty')}</ins>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {message && (
        <p
          role={message.kind === 'error' ? 'alert' : 'status'}
          className={message.kind === 'error' ? 'status-error' : 'status-ok'}
        >
          {message.text}
        </p>
      )}
    </Modal>
  );
}
