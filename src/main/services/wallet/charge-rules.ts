import {
  freeReasonFor as sharedFreeReasonFor,
  isOwned,
  nextPaidPlayPriceThousandths,
  PAID_PLAYS_TO_OWN,
  remainingToOwnThousandths,
} from '../../../shared/pricing';
import type { FreeReason, Stream2OwnState } from '../../../shared/contract/wallet';

/**
 * The charge for a counted play, decided from what this device knows. Pure:
 * the caller reads the inputs and writes the result in one transaction.
 * The server has the last word when it settles the receipt.
 */

export interface TrackTerms {
  durationMs: number;
  status: 'paid' | 'free';
  isOwn: boolean;
}

export interface TrackProgress {
  paidPlays: number;
  owned: boolean;
  countedPlays: number;
  previews: number;
}

export const noProgress: TrackProgress = { paidPlays: 0, owned: false, countedPlays: 0, previews: 0 };

export type ChargeDecision =
  | { outcome: 'free'; freeReason: FreeReason; paidPlayNumber: null; priceThousandths: 0 }
  | { outcome: 'charged'; freeReason: null; paidPlayNumber: number; priceThousandths: number }
  /** The balance does not cover the price: a 45-second preview, not charged, not a paid play. */
  | { outcome: 'preview'; freeReason: null; paidPlayNumber: number; priceThousandths: number };

/** The listener owns the track: bought, or nine paid plays. */
function ownsTrack(progress: TrackProgress): boolean {
  return progress.owned || isOwned(progress.paidPlays);
}

/**
 * Why the next play is free, or null when it costs: the server's precedence
 * and spelling (`freeReasonFor` in src/shared/pricing.ts), so the app never
 * records a reason the server would not give.
 */
export function freeReasonFor(track: TrackTerms, progress: TrackProgress): FreeReason | null {
  return sharedFreeReasonFor({
    durationMs: track.durationMs,
    freeTrack: track.status === 'free',
    ownTrack: track.isOwn,
    owned: ownsTrack(progress),
  });
}

export function decideCharge(
  track: TrackTerms,
  progress: TrackProgress,
  spendableThousandths: number,
): ChargeDecision {
  const freeReason = freeReasonFor(track, progress);
  if (freeReason) return { outcome: 'free', freeReason, paidPlayNumber: null, priceThousandths: 0 };
  const price = nextPaidPlayPriceThousandths(progress.paidPlays);
  if (price === null) throw new Error('a track that is not owned has a next price');
  const paidPlayNumber = progress.paidPlays + 1;
  if (spendableThousandths < price)
    return { outcome: 'preview', freeReason: null, paidPlayNumber, priceThousandths: price };
  return { outcome: 'charged', freeReason: null, paidPlayNumber, priceThousandths: price };
}

/** The progress after a decision is recorded. */
export function progressAfter(progress: TrackProgress, decision: ChargeDecision): TrackProgress {
  switch (decision.outcome) {
    case 'preview':
      return { ...progress, previews: progress.previews + 1 };
    case 'free':
      return { ...progress, countedPlays: progress.countedPlays + 1 };
    case 'charged': {
      const paidPlays = progress.paidPlays + 1;
      return {
        ...progress,
        paidPlays,
        owned: paidPlays >= PAID_PLAYS_TO_OWN,
        countedPlays: progress.countedPlays + 1,
      };
    }
  }
}

/** What track rows and the now-playing bar show. */
export function stream2OwnState(
  track: TrackTerms,
  progress: TrackProgress,
  spendableThousandths: number,
): Stream2OwnState {
  const freeReason = freeReasonFor(track, progress);
  const owned = ownsTrack(progress);
  const nextPrice = freeReason ? 0 : (nextPaidPlayPriceThousandths(progress.paidPlays) ?? 0);
  return {
    paidPlays: Math.min(progress.paidPlays, PAID_PLAYS_TO_OWN),
    owned,
    freeReason,
    nextPriceThousandths: nextPrice,
    remainingToOwnThousandths: freeReason ? 0 : remainingToOwnThousandths(progress.paidPlays),
    previewOnly: nextPrice > spendableThousandths,
    countedPlays: progress.countedPlays,
  };
}
