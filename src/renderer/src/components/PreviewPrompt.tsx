import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCredits } from '../../../shared/pricing';
import { usePlayer } from '../player/store';

/**
 * The stream-to-own prompt after a 45-second preview: the main process
 * stopped the play because the balance does not cover it. Never silent.
 */
export function PreviewPrompt() {
  const { t } = useTranslation();
  const preview = usePlayer((s) => s.preview);
  const dismiss = usePlayer((s) => s.dismissPreview);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [note, setNote] = useState(false);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (preview && !dialog.open) dialog.showModal();
    if (!preview && dialog.open) dialog.close();
  }, [preview]);

  const values = preview && {
    title: preview.title,
    price: formatCredits(preview.priceThousandths),
    spendable: formatCredits(preview.spendableThousandths),
  };
  return (
    <dialog ref={dialogRef} className="preview-prompt" aria-labelledby="preview-title" onClose={() => { dismiss(); setNote(false); }} data-testid="preview-prompt">
      {preview && values && (
        <>
          <h2 id="preview-title">{t('s2o.previewTitle')}</h2>
          <p>{values.title ? t('s2o.previewBody', values) : t('s2o.previewBodyUntitled', values)}</p>
          {note && <p role="status" className="muted">{t('s2o.addCreditsLater')}</p>}
          <div className="dialog-actions">
            {/* TODO(lead): wire to a wallet top-up / buy-the-rest call once the contract has one. */}
            <button type="button" className="primary" onClick={() => setNote(true)}>
              {t('s2o.addCredits')}
            </button>
            <button type="button" onClick={() => setNote(true)}>
              {t('s2o.buyRest', { price: formatCredits(preview.remainingToOwnThousandths) })}
            </button>
            <button type="button" onClick={() => dialogRef.current?.close()}>
              {t('s2o.dismiss')}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
