import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCredits, formatEuros } from '../../../shared/pricing';
import { errorCode } from '../api/account';
import { useCallMutation } from '../api/queries';
import '../styles/account.css';

/** What to buy: the rest of one track, or of a whole release; the price is the main process's. */
export type Purchase =
  | { kind: 'track'; trackId: string; title: string; priceThousandths: number }
  | { kind: 'release'; releaseId: string; title: string; priceThousandths: number };

/** The error's message key under `walletUi.buyErrors`. */
function buyErrorKey(error: Error): string {
  const code = errorCode(error);
  return ['forbidden', 'conflict', 'unavailable', 'not_found'].includes(code) ? code : 'other';
}

/**
 * The purchase step, stating the exact price before anything is charged.
 * Rendered inline (inside a dialog or a panel); `onDone` gets what was paid.
 */
export function PurchaseConfirm({
  purchase,
  onDone,
  onCancel,
}: {
  purchase: Purchase;
  onDone(paidThousandths: number): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  // The quote is a one-time token, never cached: asked for as a mutation, like the purchase it allows.
  const quote = useCallMutation('wallet.quote');
  const buyRest = useCallMutation('wallet.buyRest');
  const buyRelease = useCallMutation('wallet.buyRelease');
  const [priceChanged, setPriceChanged] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  const price = formatCredits(purchase.priceThousandths);
  const values = { title: purchase.title, price, euros: formatEuros(purchase.priceThousandths) };
  const busy = quote.isPending || buyRest.isPending || buyRelease.isPending;
  const failure = quote.error ?? buyRest.error ?? buyRelease.error;
  const error = priceChanged
    ? t('walletUi.buyErrors.conflict')
    : failure
      ? t(`walletUi.buyErrors.${buyErrorKey(failure)}`)
      : null;
  const buy = async () => {
    setPriceChanged(false);
    for (const m of [quote, buyRest, buyRelease]) m.reset();
    try {
      // Two steps owned by the main process: it quotes the price with a one-time token, and the purchase presents it.
      const quoted = await quote.mutateAsync(
        purchase.kind === 'track'
          ? { kind: 'track', trackId: purchase.trackId }
          : { kind: 'release', releaseId: purchase.releaseId },
      );
      if (quoted.priceThousandths !== purchase.priceThousandths) {
        setPriceChanged(true);
        return;
      }
      const quoteToken = quoted.quoteToken;
      const result =
        purchase.kind === 'track'
          ? await buyRest.mutateAsync({ trackId: purchase.trackId, quoteToken })
          : await buyRelease.mutateAsync({ releaseId: purchase.releaseId, quoteToken });
      // The new balance at once (the wallet reads are refetched too, as api/invalidations.ts says).
      client.setQueryData(['wallet.get', {}], result.wallet);
      onDone(result.totalThousandths);
    } catch {
      // Shown from the failed step's error.
    }
  };
  return (
    <div className="purchase-confirm" data-testid="purchase-confirm">
      <p id="purchase-question">
        {t(purchase.kind === 'track' ? 'walletUi.confirmTrack' : 'walletUi.confirmRelease', values)}
      </p>
      {error && (
        <p role="alert" className="status-error">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button
          ref={confirmRef}
          type="button"
          className="primary"
          onClick={() => void buy()}
          disabled={busy}
          aria-describedby="purchase-question"
        >
          {t('walletUi.confirmBuy', { price })}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          {t('walletUi.cancel')}
        </button>
      </div>
    </div>
  );
}
