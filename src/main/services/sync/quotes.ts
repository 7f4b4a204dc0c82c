import { randomBytes } from 'node:crypto';
import { CallError } from '../../../shared/contract/define';
import type { Clock } from '../core/clock';

/**
 * Purchase quotes, owned by the main process: `wallet.quote` states the
 * price of an item with a one-time token; `wallet.buyRest` / `buyRelease`
 * must present that token for that item before it expires. A renderer cannot
 * buy with a made-up token, a token of another item, a token used before, or
 * one older than the expiry; the price it showed the listener is the one the
 * main process quoted (docs/sync.md, "Purchases").
 *
 * Kept in memory only: a restart forgets every quote.
 */
export const QUOTE_TTL_MS = 2 * 60_000;
const MAX_OPEN_QUOTES = 32;

export type QuoteKind = 'track' | 'release';

export interface Quote {
  quoteToken: string;
  kind: QuoteKind;
  itemId: string;
  title: string;
  priceThousandths: number;
  expiresAtMs: number;
}

export class PurchaseQuotes {
  private readonly open = new Map<string, Quote>();

  constructor(
    private readonly clock: Clock,
    private readonly newToken: () => string = () => randomBytes(32).toString('base64url'),
  ) {}

  issue(item: Omit<Quote, 'quoteToken' | 'expiresAtMs'>): Quote {
    if (!Number.isSafeInteger(item.priceThousandths) || item.priceThousandths <= 0) {
      throw new RangeError(`a quote's price must be a whole number > 0, got ${item.priceThousandths}`);
    }
    const quote: Quote = {
      ...item,
      quoteToken: this.newToken(),
      expiresAtMs: this.clock.nowMs() + QUOTE_TTL_MS,
    };
    this.open.set(quote.quoteToken, quote);
    while (this.open.size > MAX_OPEN_QUOTES) this.open.delete(this.open.keys().next().value as string);
    return quote;
  }

  /**
   * Takes the quote a purchase presents: it is used up whatever happens next
   * (a retry asks for a new quote). Throws `forbidden` when the token is not
   * a live quote for this item.
   */
  take(token: string, kind: QuoteKind, itemId: string): Quote {
    const quote = this.open.get(token);
    this.open.delete(token);
    if (!quote)
      throw new CallError(
        'forbidden',
        'This purchase was not confirmed: ask for the price again (wallet.quote) and confirm it.',
      );
    if (quote.kind !== kind || quote.itemId !== itemId) {
      throw new CallError('forbidden', 'This confirmation is for another purchase; nothing was bought.');
    }
    if (this.clock.nowMs() > quote.expiresAtMs) {
      throw new CallError('forbidden', 'The confirmed price has expired; confirm the purchase again.');
    }
    return quote;
  }
}
