import { useTranslation } from 'react-i18next';
import { formatCredits } from '../../../shared/pricing';
import { useCall } from './queries';

/**
 * Why a purchase of `priceThousandths` cannot be made now, in words, or null
 * when it can be offered. A purchase is made on the server against the
 * account's balance, so it needs a signed-in account and a balance that
 * covers the price. The server still decides; this only keeps the UI from
 * offering what would fail only after the confirmation step.
 */
export function usePurchaseBlocker(): (priceThousandths: number) => string | null {
  const { t } = useTranslation();
  const account = useCall('account.status', {});
  const wallet = useCall('wallet.get', {});
  return (price) => {
    if (!account.data?.signedIn) return t('walletUi.buyBlocked.signIn');
    const balance = wallet.data?.balanceThousandths;
    if (balance !== undefined && balance < price) {
      return t('walletUi.buyBlocked.balance', {
        balance: formatCredits(balance),
        price: formatCredits(price),
      });
    }
    return null;
  };
}
