import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallName } from '../../../../shared/contract';
import type { CoopTrack } from '../../../../shared/contract/wallet';
import { formatCredits } from '../../../../shared/pricing';
import { errorCode } from '../../api/account';
import { refetchAfter, useCall, useCallMutation } from '../../api/queries';
import { DataGrid, type Column } from '../../components/DataGrid';
import { PurchaseConfirm, type Purchase } from '../../components/PurchaseConfirm';
import { usePurchaseBlocker } from '../../api/purchase';
import { PlaySteps, PriceTag } from '../../components/Stream2Own';
import { formatBytes, formatDuration } from '../../lib/format';
import { currentItem, usePlayer } from '../../player/store';
import { fromCoop } from '../../player/track';
import { EmptyCatalogHint } from '../coop-node/EmptyCatalogHint';
import '../../styles/account.css';

function OfflineBadge({ track, pinned }: { track: CoopTrack; pinned: boolean }) {
  const { t } = useTranslation();
  if (!track.downloaded) return null;
  return (
    <span
      className="badge badge-offline"
      data-testid="offline-badge"
      title={pinned ? t('coopUi.pinnedHint') : t('coopUi.offlineHint')}
    >
      {pinned ? t('coopUi.offlinePinned') : t('coopUi.offline')}
    </span>
  );
}

/** Downloads for offline: how much of the limit they use. */
function DownloadsUsage() {
  const { t, i18n } = useTranslation();
  const status = useCall('downloads.status', {});
  if (!status.data) return null;
  const d = status.data;
  const percent = d.limitBytes > 0 ? Math.min(100, Math.round((d.usedBytes / d.limitBytes) * 100)) : 100;
  const text = t('coopUi.usage', {
    used: formatBytes(d.usedBytes, i18n.language),
    limit: formatBytes(d.limitBytes, i18n.language),
    count: d.entries.length,
  });
  return (
    <div className="downloads-usage" data-testid="downloads-usage">
      <meter min={0} max={100} value={percent} aria-label={t('coopUi.usageLabel')} aria-valuetext={text} />
      <span>{text}</span>
      {d.overLimit && <span className="badge badge-warn">{t('coopUi.overLimit')}</span>}
    </div>
  );
}

/** What can be done with the selected track: play, download / remove / pin, buy the rest, buy its release. */
function TrackActions({ track, onPlay }: { track: CoopTrack; onPlay(): void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const details = useCall('coop.trackDetails', { trackId: track.id });
  const removeDownload = useCallMutation('coop.removeDownload', { awaitRefetch: true });
  const keepOffline = useCallMutation('coop.download', { awaitRefetch: true });
  const pin = useCallMutation('coop.pin', { awaitRefetch: true });
  const busy = removeDownload.isPending || keepOffline.isPending || pin.isPending;
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [purchase, setPurchase] = useState<Purchase | null>(null);
  /** The pin as just asked for, shown at once until the main process's answer is back. */
  const [pinWanted, setPinWanted] = useState<boolean | null>(null);
  const download = details.data?.download ?? null;
  /**
   * Runs one action and says how it went. Its mutation stays pending until the new answers are in,
   * so nothing flicks back; a failed one may have changed something too: ask again before saying so.
   */
  const run = async (name: CallName, action: Promise<unknown>, done: string) => {
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
  const s = track.stream2own;
  const releasePrice = details.data?.releaseRemainingToOwnThousandths ?? 0;
  const releaseTitle = details.data?.releaseTitle ?? track.album ?? '';
  const blocker = usePurchaseBlocker();
  const restBlocked = s.remainingToOwnThousandths > 0 ? blocker(s.remainingToOwnThousandths) : null;
  const releaseBlocked = details.data?.releaseId && releasePrice > 0 ? blocker(releasePrice) : null;
  return (
    <section className="track-actions" aria-labelledby="track-actions-title" data-testid="track-actions">
      <h2 id="track-actions-title">{t('coopUi.selected', { title: track.title, artist: track.artist })}</h2>
      <div className="button-row wrap">
        <button type="button" onClick={onPlay}>
          {t('coopUi.play')}
        </button>
        {track.downloaded ? (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void run(
                'coop.removeDownload',
                removeDownload.mutateAsync({ trackId: track.id }),
                t('coopUi.removed'),
              )
            }
          >
            {t('coopUi.removeDownload')}
          </button>
        ) : (
          <button
            type="button"
            disabled={busy || details.data?.hasAudio === false}
            onClick={() =>
              void run(
                'coop.download',
                keepOffline.mutateAsync({ trackId: track.id }),
                t('coopUi.downloaded'),
              )
            }
          >
            {busy ? t('coopUi.downloading') : t('coopUi.download')}
          </button>
        )}
        {track.downloaded && download && (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={pinWanted ?? download.pinned}
              disabled={busy}
              onChange={(e) => {
                const pinned = e.target.checked;
                setPinWanted(pinned);
                void run(
                  'coop.pin',
                  pin.mutateAsync({ trackId: track.id, pinned }),
                  pinned ? t('coopUi.pinned') : t('coopUi.unpinned'),
                ).then(() => setPinWanted(null));
              }}
            />
            {t('coopUi.pin')}
          </label>
        )}
        {s.remainingToOwnThousandths > 0 && (
          <button
            type="button"
            onClick={() =>
              setPurchase({
                kind: 'track',
                trackId: track.id,
                title: track.title,
                priceThousandths: s.remainingToOwnThousandths,
              })
            }
            disabled={restBlocked !== null}
            aria-describedby={restBlocked ? 'buy-blocked' : undefined}
            data-testid="buy-rest"
          >
            {t('s2o.buyRest', { price: formatCredits(s.remainingToOwnThousandths) })}
          </button>
        )}
        {details.data?.releaseId && releasePrice > 0 && (
          <button
            type="button"
            onClick={() =>
              setPurchase({
                kind: 'release',
                releaseId: details.data!.releaseId!,
                title: releaseTitle,
                priceThousandths: releasePrice,
              })
            }
            disabled={releaseBlocked !== null}
            aria-describedby={releaseBlocked ? 'buy-blocked' : undefined}
            data-testid="buy-release"
          >
            {t('coopUi.buyRelease', { title: releaseTitle, price: formatCredits(releasePrice) })}
          </button>
        )}
      </div>
      {(restBlocked ?? releaseBlocked) && (
        <p className="muted" id="buy-blocked" data-testid="buy-blocked">
          {restBlocked ?? releaseBlocked}
        </p>
      )}
      {purchase && (
        <PurchaseConfirm
          purchase={purchase}
          onCancel={() => setPurchase(null)}
          onDone={(paid) => {
            setPurchase(null);
            setMessage({ ok: true, text: t('walletUi.bought', { price: formatCredits(paid) }) });
          }}
        />
      )}
      {message && (
        <p
          role={message.ok ? 'status' : 'alert'}
          className={message.ok ? 'status-ok' : 'status-error'}
          data-testid="track-action-result"
        >
          {message.text}
        </p>
      )}
    </section>
  );
}

/** The co-op catalog cached on this device: stream-to-own state, offline downloads, purchases. */
export function CoopCatalogView() {
  const { t } = useTranslation();
  const tracks = useCall('coop.tracks', { limit: 500 });
  const downloads = useCall('downloads.status', {});
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const current = usePlayer((s) => {
    const item = currentItem(s);
    return item?.track.source === 'coop' ? item.track.id : null;
  });
  const list = tracks.data?.tracks ?? [];
  const pinned = new Set((downloads.data?.entries ?? []).filter((e) => e.pinned).map((e) => e.trackId));
  const c = (key: string) => t(`tracks.columns.${key}`);
  const columns: Column<CoopTrack>[] = [
    {
      id: 'title',
      label: c('title'),
      width: 220,
      render: (r) => <span className="cell-title">{r.title}</span>,
    },
    { id: 'artist', label: c('artist'), width: 150, render: (r) => r.artist },
    { id: 'album', label: c('album'), width: 140, render: (r) => r.album ?? '' },
    {
      id: 'duration',
      label: c('duration'),
      width: 60,
      align: 'end',
      render: (r) => formatDuration(r.durationMs),
    },
    {
      id: 'offline',
      label: t('coopUi.offlineColumn'),
      width: 90,
      render: (r) => <OfflineBadge track={r} pinned={pinned.has(r.id)} />,
    },
    { id: 's2o', label: c('stream2own'), width: 150, render: (r) => <PlaySteps state={r.stream2own} /> },
    { id: 'price', label: c('price'), width: 170, render: (r) => <PriceTag state={r.stream2own} compact /> },
  ];
  const play = (index: number) => usePlayer.getState().playTracks(list.map(fromCoop), index);
  const selected = list.find((tr) => tr.id === selectedId) ?? null;
  return (
    <section className="view view-fill" aria-labelledby="coop-title">
      <div className="view-head">
        <h1 id="coop-title">{t('coop.title')}</h1>
        <DownloadsUsage />
      </div>
      <p className="muted">{t('coop.intro')}</p>
      {tracks.data && list.length === 0 && <p>{t('coop.none')}</p>}
      {tracks.data && list.length === 0 && <EmptyCatalogHint />}
      {list.length > 0 && (
        <>
          <DataGrid
            label={t('coop.label')}
            columns={columns}
            total={list.length}
            rowAt={(i) => list[i]}
            widthsKey="coop-catalog"
            onActivate={play}
            onSelectionChange={(indices) =>
              setSelectedId(indices.length > 0 ? (list[indices[indices.length - 1]!]?.id ?? null) : null)
            }
            isCurrent={(row) => row.id === current}
            testId="coop-table"
          />
          {selected ? (
            <TrackActions key={selected.id} track={selected} onPlay={() => play(list.indexOf(selected))} />
          ) : (
            <p className="muted track-actions-hint">{t('coopUi.selectHint')}</p>
          )}
        </>
      )}
    </section>
  );
}
