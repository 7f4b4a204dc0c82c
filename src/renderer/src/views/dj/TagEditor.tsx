import { useTranslation } from 'react-i18next';
import type { LocalDjTrack } from '../../../../shared/contract/dj';
import { Modal } from './Modal';
import { TagDiff, TagEditorMessage, TagFields } from './TagEditorParts';
import { useTagEditor } from './useTagEditor';

/** Edit the tags of one of the user's own files: preview what changes, then write (and undo). */
export function TagEditor({ track, onClose }: { track: LocalDjTrack; onClose(): void }) {
  const { t } = useTranslation();
  const editor = useTagEditor(track);
  const { diff, message } = editor;
  return (
    <Modal title={t('dj.tags.title', { title: track.title })} onClose={onClose} testId="tag-editor">
      <form onSubmit={editor.preview} className="dj-form">
        <TagFields values={editor.values} onChange={editor.setField} />
        <div className="button-row">
          <button type="submit">{t('dj.tags.preview')}</button>
          <button
            type="button"
            className="primary"
            disabled={!diff || diff.length === 0}
            onClick={editor.write}
          >
            {t('dj.tags.write')}
          </button>
          {editor.written && (
            <button type="button" onClick={editor.undo}>
              {t('dj.tags.undo')}
            </button>
          )}
          <button type="button" onClick={onClose}>
            {t('dj.close')}
          </button>
        </div>
      </form>
      {diff && <TagDiff diff={diff} />}
      {message && <TagEditorMessage message={message} />}
    </Modal>
  );
}
