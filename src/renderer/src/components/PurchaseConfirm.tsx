import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCredits, formatEuros } from '../../../shared/pricing';
import { api } from '../api/client';
import { WALLET_QUERIES, errorCode } from '../api/account';
import '../styles/account.css';

/** What to buy: the rest of one track, or of a whole release; the price is the main process's. */
export type Purchase =
  | { kind: 'track'; trackId: string; title: string; priceThousandths: number }
  | { kind: 'release'; releaseId: string; title: string; priceThousandths: number };

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
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  const price = formatCredits(purchase.priceThousandths);
  const values = { title: purchase.title, price, euros: formatEuros(purchase.priceThousandths) };
  const buy = async () => {
    setState({ busy: true, error: null });
    try {
      // Two steps owned by the main process: it quotes the price with a one-time token, and the purchase presents it.
      const quote = await api.call(
        'wallet.quote',
        purchase.kind === 'track'
          ? { kind: 'track', trackId: purchase.trackId }
          : { kind: 'release', releaseId: purchase.releaseId },
      );
      if (quote.priceThousandths !== purchase.priceThousandths) {
        setState({ busy: false, error: t('walletUi.buyErrors.conflict') });
        return;
      }
      const result =
        purchase.kind === 'track'
          ? await api.call('wallet.buyRest', { trackId: purchase.trackId, quoteToken: quote.quoteToken })
          : await api.call('wallet.buyRelease', {
              releaseId: purchase.releaseId,
              quoteToken: quote.quoteToken,
            });
      client.setQueryData(['wallet.get', {}], result.wallet);
      for (const key of WALLET_QUERIES) void client.invalidateQueries({ queryKey: [key] });
      void client.invalidateQueries({ queryKey: ['sync.status'] });
      setState({ busy: false, error: null });
      onDone(result.totalThousandths);
    } catch (error) {
      const code = errorCode(error);
      const known = ['forbidden', 'conflict', 'unavailable', 'not_found'].includes(code) ? code : 'other';
      setState({ busy: false, error: t(`walletUi.buyErrors.${known}`) });
    }
  };
  return (
    <div className="purchase-confirm" data-testid="purchase-confirm">
      <p id="purchase-question">
        {t(purchase.kind === 'track' ? 'walletUi.confirmTrack' : 'walletUi.confirmRelease', values)}
      </p>
      {state.error && (
        <p role="alert" className="status-error">
          {state.error}
        </p>
      )}
      <div className="dialog-actions">
        <button
          ref={confirmRef}
          type="button"
          className="primary"
          onClick={() => void buy()}
          disabled={state.busy}
          aria-describedby="purchase-question"
        >
          {t('walletUi.confirmBuy', { price })}
        </button>
        <button type="button" onClick={onCancel} disabled={state.busy}>
          {t('walletUi.cancel')}
        </button>
      </div>
    </div>
  );
}
