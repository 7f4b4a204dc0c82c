import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { SHORTCUTS } from '../player/shortcuts';

/** The list of keyboard shortcuts (opened with `?`). */
export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="shortcuts-dialog"
      aria-labelledby="shortcuts-title"
      onClose={onClose}
      data-testid="shortcuts"
    >
      <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
      <table className="simple-table" aria-labelledby="shortcuts-title">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.action}>
              <th scope="row">
                <kbd>{t(`shortcuts.keys.${s.keys}`)}</kbd>
              </th>
              <td>{t(`shortcuts.actions.${s.action}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={() => ref.current?.close()}>
          {t('properties.close')}
        </button>
      </div>
    </dialog>
  );
}
