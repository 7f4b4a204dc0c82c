import { DEFAULT_EURO_RATE, formatCredits, formatEuros } from '../../../../shared/pricing';

/**
 * Display only: the main process says the integers, these format them.
 * Shares are ten-thousandths of a credit (70 % of a thousandth is a whole
 * number of them), so their euros are at the same rate per ten-thousandth.
 */
export function creditsOfTenThousandths(n: number): string {
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  return `${sign}${Math.floor(abs / 10_000)}.${String(abs % 10_000).padStart(4, '0')}`;
}

export function eurosOfTenThousandths(n: number): string {
  return formatEuros(
    n,
    { euros: DEFAULT_EURO_RATE.euros, perThousandths: DEFAULT_EURO_RATE.perThousandths * 10 },
    2,
  );
}

export { formatCredits, formatEuros };
