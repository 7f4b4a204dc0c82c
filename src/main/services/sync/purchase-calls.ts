import { v7 as uuidv7 } from 'uuid';
import { CallError } from '../../../shared/contract/define';
import { stream2OwnState } from '../wallet/charge-rules';
import { SyncApiError, type SyncApiClient } from './api-client';
import { withServer } from './connection';
import type { Quote } from './quotes';
import type { SyncParts } from './sync-parts';

/** What buying the rest of a track costs now; refused before the server for an unpublished track or nothing to buy. */
export function trackOffer(p: SyncParts, trackId: string) {
  const { stream2own } = p.deps;
  const track = stream2own.catalog.get(trackId);
  if (!track) throw new CallError('not_found', 'That track is not in the co-op catalog on this device.');
  // Refused here, before the server (which answers 409 unpublished): nothing is sent, nothing charged.
  if (track.published === false) {
    throw new CallError(
      'conflict',
      'Could not buy the rest of the track: the artist has unpublished it, so it can no longer be bought.',
    );
  }
  const price = stream2OwnState(
    track,
    track.progress,
    stream2own.wallet.balances().spendableThousandths,
  ).remainingToOwnThousandths;
  if (price <= 0) throw new CallError('conflict', 'There is nothing left to buy of this track.');
  return { kind: 'track' as const, itemId: trackId, title: track.title, priceThousandths: price };
}

export function releaseOffer(p: SyncParts, releaseId: string) {
  const title = p.store.releaseTitle(releaseId);
  if (title === null)
    throw new CallError('not_found', 'That release is not in the co-op catalog on this device.');
  if (p.store.releaseUnpublished(releaseId)) {
    throw new CallError(
      'conflict',
      'Could not buy the release: the artist has unpublished it, so it can no longer be bought.',
    );
  }
  const price = p.store.releaseRemainingToOwn(
    releaseId,
    p.deps.stream2own.wallet.balances().spendableThousandths,
  );
  if (price <= 0) throw new CallError('conflict', 'There is nothing left to buy of this release.');
  return { kind: 'release' as const, itemId: releaseId, title, priceThousandths: price };
}

export function priceChanged(): CallError {
  return new CallError(
    'conflict',
    'The price changed since it was confirmed; nothing was bought. Confirm the new price.',
  );
}

/** A purchase on the server, then a sync (ownership, balance); one request id for it and its retry. */
export async function purchase(
  p: SyncParts,
  action: string,
  buy: (api: SyncApiClient, requestId: string) => ReturnType<SyncApiClient['buyTrack']>,
) {
  // One request id for the purchase and its retry: a resend after a lost answer is not charged twice.
  const requestId = uuidv7();
  const answer = await withServer(p, action, async (api) => {
    try {
      return await buy(api, requestId);
    } catch (error) {
      if (error instanceof SyncApiError && error.retryable) return buy(api, requestId);
      throw error;
    }
  });
  await p.scheduler.now();
  return {
    tracks: answer.tracks,
    totalThousandths: answer.totalThousandths,
    balanceThousandths: answer.balanceThousandths,
    duplicate: answer.duplicate,
    wallet: p.deps.stream2own.summary(),
  };
}

/** `wallet.buyRest`: the quote taken once, the price checked again (a play counted, another device synced). */
export async function buyRest(
  p: SyncParts,
  { trackId, quoteToken }: { trackId: string; quoteToken: string },
) {
  const quote = p.quotes.take(quoteToken, 'track', trackId);
  // The price may have moved since the quote (a play counted, another device synced): confirm again.
  if (trackOffer(p, trackId).priceThousandths !== quote.priceThousandths) throw priceChanged();
  await confirmedByHost(p, quote);
  return purchase(p, 'buy the rest of the track', (api, id) => api.buyTrack(trackId, id));
}

/** `wallet.buyRelease` */
export async function buyRelease(
  p: SyncParts,
  { releaseId, quoteToken }: { releaseId: string; quoteToken: string },
) {
  const quote = p.quotes.take(quoteToken, 'release', releaseId);
  if (releaseOffer(p, releaseId).priceThousandths !== quote.priceThousandths) throw priceChanged();
  await confirmedByHost(p, quote);
  return purchase(p, 'buy the release', (api, id) => api.buyRelease(releaseId, id));
}

/** The host's own confirmation, where it has one: the listener saw the item and price outside the renderer. */
async function confirmedByHost(p: SyncParts, quote: Quote): Promise<void> {
  const confirm = p.deps.confirmPurchase;
  if (!confirm) return;
  const { kind, itemId, title, priceThousandths } = quote;
  if (!(await confirm({ kind, itemId, title, priceThousandths }))) {
    throw new CallError('forbidden', 'The purchase was not confirmed; nothing was bought.');
  }
}

function clampPercent(n: number): number {
  return Math.max(0, Math.min(100, Math.floor(n)));
}

/** `wallet.membership` */
export async function membership(p: SyncParts, year: number | undefined) {
  const m = await withServer(p, 'load the membership', (api) => api.membership(year));
  return {
    year: m.year,
    listener: { ...m.listener, progressPercent: clampPercent(m.listener.progressPercent) },
    artist: m.artist ? { ...m.artist, progressPercent: clampPercent(m.artist.progressPercent) } : null,
  };
}
