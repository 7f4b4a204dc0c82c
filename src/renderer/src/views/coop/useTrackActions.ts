import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallName, CallOutput } from '../../../../shared/contract';
import type { CoopTrack } from '../../../../shared/contract/wallet';
import { formatCredits } from '../../../../shared/pricing';
import { errorCode } from '../../api/account';
import { usePurchaseBlocker } from '../../api/purchase';
import { refetchAfter, useCallMutation } from '../../api/queries';
import type { Purchase } from '../../components/PurchaseConfirm';

export type TrackDetails = CallOutput<'coop.trackDetails'>;
/** How the last action went, in words: a status when it worked, an alert when not. */
export type ActionMessage = { ok: boolean; text: string };
type Run = (name: CallName, action: Promise<unknown>, done: string) => Promise<void>;

/** The last action's result and `run`, which runs one action and says how it went. */
export function useActionResult() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [message, setMessage] = useState<ActionMessage | null>(null);
  /**
   * The action's mutation stays pending until the new answers are in, so nothing flicks back; a failed
   * one may have changed something too: ask again before saying so.
   */
  const run: Run = async (name, action, done) => {
    setMessage(null);
    try {
      await action;
      setMessage({ ok: true, text: done });
    } catch (e) {
      await refetchAfter(client, name);
      const code = errorCode(e);
      setMessage({
        ok: false,
        text: t(`coopUi.errors.${code === 'unavailable' || code === 'not_found' ? code : 'other'}`),
      });
    }
  };
  return { message, setMessage, run };
}

/** Keeping the track for offline: download it, remove the download, pin it (the pin as asked for shows at once). */
export function useOfflineActions(track: CoopTrack, details: TrackDetails | undefined, run: Run) {
  const { t } = useTranslation();
  const removeDownload = useCallMutation('coop.removeDownload', { awaitRefetch: true });
  const keepOffline = useCallMutation('coop.download', { awaitRefetch: true });
  const pin = useCallMutation('coop.pin', { awaitRefetch: true });
  const [pinWanted, setPinWanted] = useState<boolean | null>(null);
  const download = details?.download ?? null;
  const trackId = track.id;
  return {
    busy: removeDownload.isPending || keepOffline.isPending || pin.isPending,
    canDownload: details?.hasAudio !== false,
    /** Null when there is no download to pin (yet). */
    pinned: track.downloaded && download ? (pinWanted ?? download.pinned) : null,
    download: () => void run('coop.download', keepOffline.mutateAsync({ trackId }), t('coopUi.downloaded')),
    remove: () =>
      void run('coop.removeDownload', removeDownload.mutateAsync({ trackId }), t('coopUi.removed')),
    setPinned: (pinned: boolean) => {
      setPinWanted(pinned);
      const done = pinned ? t('coopUi.pinned') : t('coopUi.unpinned');
      void run('coop.pin', pin.mutateAsync({ trackId, pinned }), done).then(() => setPinWanted(null));
    },
  };
}

/** One thing on offer: what buying it would be, and why it cannot be bought now (null: it can). */
export interface Offer {
  purchase: Purchase;
  blocked: string | null;
}

/** What can be bought: the rest of the track, the rest of its release; the blockers' reason shown under both. */
export function usePurchaseOffers(track: CoopTrack, details: TrackDetails | undefined) {
  const blocker = usePurchaseBlocker();
  const remaining = track.stream2own.remainingToOwnThousandths;
  const releasePrice = details?.releaseRemainingToOwnThousandths ?? 0;
  const releaseTitle = details?.releaseTitle ?? track.album ?? '';
  const rest: Offer | null =
    remaining > 0
      ? {
          purchase: { kind: 'track', trackId: track.id, title: track.title, priceThousandths: remaining },
          blocked: blocker(remaining),
        }
      : null;
  const release: Offer | null =
    details?.releaseId && releasePrice > 0
      ? {
          purchase: {
            kind: 'release',
            releaseId: details.releaseId,
            title: releaseTitle,
            priceThousandths: releasePrice,
          },
          blocked: blocker(releasePrice),
        }
      : null;
  return { rest, release, blocked: rest?.blocked ?? release?.blocked ?? null };
}

/** The purchase being confirmed, if any; once done, the result says what was paid. */
export function usePurchaseStep(say: (message: ActionMessage) => void) {
  const { t } = useTranslation();
  const [purchase, setPurchase] = useState<Purchase | null>(null);
  return {
    purchase,
    ask: setPurchase,
    cancel: () => setPurchase(null),
    done: (paid: number) => {
      setPurchase(null);
      say({ ok: true, text: t('walletUi.bought', { price: formatCredits(paid) }) });
    },
  };
}
