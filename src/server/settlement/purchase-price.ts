import { cumulativeCostThousandths, freeReasonFor, remainingToOwnThousandths } from '../../shared/pricing';
import { assert } from '../../shared/assert';
import { ApiError } from '../http/errors';
import { chargePostings, type Posting } from '../ledger/postings';
import type { LoadedPurchase } from './purchase-load';
import type { PurchaseAnswer, PurchaseRequest } from './purchase-types';

export interface PricedPurchase {
  bought: PurchaseAnswer['tracks'];
  postings: Posting[];
  totalThousandths: number;
}

/**
 * Stage "price": a pure function of the loaded state. Each track not free
 * costs what is left of 1022 thousandths after its paid plays; free, short,
 * own and owned tracks need no buying (the same rule that makes their plays
 * free). A single track with nothing to buy is 409; a total over the
 * unreserved balance is 402 (device allowances stay promised to their devices).
 */
export function pricePurchase(request: PurchaseRequest, loaded: LoadedPurchase): PricedPurchase {
  const { wallet, stats } = loaded;
  const postings: Posting[] = [];
  const bought: PurchaseAnswer['tracks'] = [];
  for (const t of loaded.tracks) {
    const s = stats.get(t.id);
    const free = freeReasonFor({
      durationMs: t.duration_ms,
      freeTrack: t.status !== 'paid',
      ownTrack: loaded.ownArtists.has(t.artist_id),
      owned: s?.owned_at != null,
    });
    if (free) continue;
    const paidPlays = s?.paid_plays ?? 0;
    const rest = remainingToOwnThousandths(paidPlays);
    assert(
      (s?.paid_amount ?? 0) === cumulativeCostThousandths(paidPlays),
      'purchase price: paid amount on the table',
    );
    postings.push(...chargePostings(request.userId, t.artist_id, t.id, rest));
    bought.push({ trackId: t.id, paidThousandths: rest });
  }
  if ('trackId' in request.scope && !bought.length)
    throw new ApiError(409, 'nothing_to_buy', 'the track is owned, free, short or your own');
  const total = bought.reduce((sum, b) => sum + b.paidThousandths, 0);
  if (total > wallet.balance - wallet.reserved) {
    throw new ApiError(
      402,
      'insufficient_credits',
      `needs ${total} thousandths, ${wallet.balance - wallet.reserved} available`,
    );
  }
  assert(postings.reduce((sum, p) => sum + p.amount, 0) === 0, 'purchase price: postings sum to zero');
  assert(
    bought.every((b) => b.paidThousandths > 0),
    'purchase price: every track bought costs something',
  );
  return { bought, postings, totalThousandths: total };
}
