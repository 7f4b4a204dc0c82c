import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCredits } from '../../../shared/pricing';
import { usePlayer } from '../player/store';
import { useNavigation } from '../store/navigation';
import { PurchaseConfirm } from './PurchaseConfirm';
import { usePurchaseBlocker } from '../api/purchase';

/**
 * The stream-to-own prompt after a 45-second preview: the main process
 * stopped the play because the balance does not cover it. Never silent.
 * "Add credits" goes to the Wallet's voucher field; "Buy the rest" asks to
 * confirm the exact price, then buys it on the server.
 */
export function PreviewPrompt() {
  const { t } = useTranslation();
  const preview = usePlayer((s) => s.preview);
  const dismiss = usePlayer((s) => s.dismissPreview);
  const go = useNavigation((s) => s.go);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [confirming, setConfirming] = useState(false);
  const blocker = usePurchaseBlocker();
  const restBlocked =
    preview && preview.remainingToOwnThousandths > 0 ? blocker(preview.remainingToOwnThousandths) : null;

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
    <dialog
      ref={dialogRef}
      className="preview-prompt"
      aria-labelledby="preview-title"
      onClose={() => {
        dismiss();
        setConfirming(false);
      }}
      data-testid="preview-prompt"
    >
      {preview && values && (
        <>
          <h2 id="preview-title">{t('s2o.previewTitle')}</h2>
          <p>{values.title ? t('s2o.previewBody', values) : t('s2o.previewBodyUntitled', values)}</p>
          {restBlocked && !confirming && (
            <p className="muted" id="preview-buy-blocked" data-testid="preview-buy-blocked">
              {restBlocked}
            </p>
          )}
          {confirming ? (
            <PurchaseConfirm
              purchase={{
                kind: 'track',
                trackId: preview.trackId,
                title: preview.title,
                priceThousandths: preview.remainingToOwnThousandths,
              }}
              onCancel={() => setConfirming(false)}
              onDone={() => dialogRef.current?.close()}
            />
          ) : (
            <div className="dialog-actions">
              <button
                type="button"
                className="primary"
                onClick={() => {
                  dialogRef.current?.close();
                  go('wallet', 'voucher');
                }}
              >
                {t('s2o.addCredits')}
              </button>
              {preview.remainingToOwnThousandths > 0 && (
                <button
                  type="button"
                  onClick={() => setConfirming(true)}
                  disabled={restBlocked !== null}
                  aria-describedby={restBlocked ? 'preview-buy-blocked' : undefined}
                >
                  {t('s2o.buyRest', { price: formatCredits(preview.remainingToOwnThousandths) })}
                </button>
              )}
              <button type="button" onClick={() => dialogRef.current?.close()}>
                {t('s2o.dismiss')}
              </button>
            </div>
          )}
        </>
      )}
    </dialog>
  );
}
