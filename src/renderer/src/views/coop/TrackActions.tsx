import { useTranslation } from 'react-i18next';
import type { CoopTrack } from '../../../../shared/contract/wallet';
import { formatCredits } from '../../../../shared/pricing';
import { useCall } from '../../api/queries';
import { PurchaseConfirm } from '../../components/PurchaseConfirm';
import {
  useActionResult,
  useOfflineActions,
  usePurchaseOffers,
  usePurchaseStep,
  type ActionMessage,
  type Offer,
} from './useTrackActions';

type OfflineActions = ReturnType<typeof useOfflineActions>;

/** Download for offline or remove the download; once downloaded, the pin that keeps it. */
function OfflineButtons({ downloaded, offline }: { downloaded: boolean; offline: OfflineActions }) {
  const { t } = useTranslation();
  const { busy, pinned } = offline;
  return (
    <>
      {downloaded ? (
        <button type="button" disabled={busy} onClick={offline.remove}>
          {t('coopUi.removeDownload')}
        </button>
      ) : (
        <button type="button" disabled={busy || !offline.canDownload} onClick={offline.download}>
          {busy ? t('coopUi.downloading') : t('coopUi.download')}
        </button>
      )}
      {pinned !== null && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={pinned}
            disabled={busy}
            onChange={(e) => offline.setPinned(e.target.checked)}
          />
          {t('coopUi.pin')}
        </label>
      )}
    </>
  );
}

/** A button buying what is on offer, described by the reason under the buttons when it cannot be bought now. */
function BuyButton({
  offer,
  label,
  testId,
  onBuy,
}: {
  offer: Offer;
  label: string;
  testId: string;
  onBuy(): void;
}) {
  return (
    <button
      type="button"
      onClick={onBuy}
      disabled={offer.blocked !== null}
      aria-describedby={offer.blocked ? 'buy-blocked' : undefined}
      data-testid={testId}
    >
      {label}
    </button>
  );
}

function ActionResult({ message }: { message: ActionMessage | null }) {
  if (!message) return null;
  return (
    <p
      role={message.ok ? 'status' : 'alert'}
      className={message.ok ? 'status-ok' : 'status-error'}
      data-testid="track-action-result"
    >
      {message.text}
    </p>
  );
}

/** What can be done with the selected track: play, download / remove / pin, buy the rest, buy its release. */
export function TrackActions({ track, onPlay }: { track: CoopTrack; onPlay(): void }) {
  const { t } = useTranslation();
  const details = useCall('coop.trackDetails', { trackId: track.id }).data;
  const result = useActionResult();
  const offline = useOfflineActions(track, details, result.run);
  const offers = usePurchaseOffers(track, details);
  const step = usePurchaseStep(result.setMessage);
  const { rest, release } = offers;
  const price = (offer: Offer) => formatCredits(offer.purchase.priceThousandths);
  return (
    <section className="track-actions" aria-labelledby="track-actions-title" data-testid="track-actions">
      <h2 id="track-actions-title">{t('coopUi.selected', { title: track.title, artist: track.artist })}</h2>
      <div className="button-row wrap">
        <button type="button" onClick={onPlay}>
          {t('coopUi.play')}
        </button>
        <OfflineButtons downloaded={track.downloaded} offline={offline} />
        {rest && (
          <BuyButton
            offer={rest}
            label={t('s2o.buyRest', { price: price(rest) })}
            testId="buy-rest"
            onBuy={() => step.ask(rest.purchase)}
          />
        )}
        {release && (
          <BuyButton
            offer={release}
            label={t('coopUi.buyRelease', { title: release.purchase.title, price: price(release) })}
            testId="buy-release"
            onBuy={() => step.ask(release.purchase)}
          />
        )}
      </div>
      {offers.blocked && (
        <p className="muted" id="buy-blocked" data-testid="buy-blocked">
          {offers.blocked}
        </p>
      )}
      {step.purchase && (
        <PurchaseConfirm purchase={step.purchase} onCancel={step.cancel} onDone={step.done} />
      )}
      <ActionResult message={result.message} />
    </section>
  );
}
