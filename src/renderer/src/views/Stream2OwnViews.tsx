import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CoopTrack, HistoryEntry } from '../../../shared/contract/wallet';
import { formatCredits } from '../../../shared/pricing';
import { useCall } from '../api/queries';
import { DataGrid, type Column } from '../components/DataGrid';
import { PlaySteps, PriceTag } from '../components/Stream2Own';
import { LogSummary, PlayLogState, usePlayLogStates } from '../components/LogState';
import { currentItem, usePlayer } from '../player/store';
import { fromCoop } from '../player/track';
import { formatDuration } from '../lib/format';

function useCoopColumns(): Column<CoopTrack>[] {
  const { t } = useTranslation();
  const c = (key: string) => t(`tracks.columns.${key}`);
  return [
    {
      id: 'title',
      label: c('title'),
      width: 240,
      render: (r) => <span className="cell-title">{r.title}</span>,
    },
    { id: 'artist', label: c('artist'), width: 170, render: (r) => r.artist },
    { id: 'album', label: c('album'), width: 160, render: (r) => r.album ?? '' },
    {
      id: 'duration',
      label: c('duration'),
      width: 64,
      align: 'end',
      render: (r) => formatDuration(r.durationMs),
    },
    { id: 's2o', label: c('stream2own'), width: 150, render: (r) => <PlaySteps state={r.stream2own} /> },
    { id: 'price', label: c('price'), width: 190, render: (r) => <PriceTag state={r.stream2own} compact /> },
  ];
}

function CoopTable({ tracks, label, testId }: { tracks: CoopTrack[]; label: string; testId: string }) {
  const columns = useCoopColumns();
  const current = usePlayer((s) => {
    const item = currentItem(s);
    return item?.track.source === 'coop' ? item.track.id : null;
  });
  return (
    <DataGrid
      label={label}
      columns={columns}
      total={tracks.length}
      rowAt={(i) => tracks[i]}
      widthsKey="coop"
      onActivate={(index) => usePlayer.getState().playTracks(tracks.map(fromCoop), index)}
      isCurrent={(row) => row.id === current}
      testId={testId}
    />
  );
}

/** Owned tracks. */
export function CollectionView() {
  const { t } = useTranslation();
  const collection = useCall('wallet.collection', {});
  return (
    <section className="view view-fill" aria-labelledby="collection-title">
      <h1 id="collection-title">{t('collection.title')}</h1>
      <p className="muted">{t('collection.intro')}</p>
      {collection.data && collection.data.tracks.length === 0 && <p>{t('collection.none')}</p>}
      {collection.data && collection.data.tracks.length > 0 && (
        <CoopTable tracks={collection.data.tracks} label={t('collection.label')} testId="collection-table" />
      )}
    </section>
  );
}

function HistoryPage({
  beforeId,
  isLast,
  onMore,
}: {
  beforeId?: number;
  isLast: boolean;
  onMore(next: number): void;
}) {
  const { t } = useTranslation();
  const history = useCall('wallet.history', beforeId ? { limit: 100, beforeId } : { limit: 100 });
  const logStates = usePlayLogStates(history.data?.entries);
  const outcome = (e: HistoryEntry) =>
    e.outcome === 'charged'
      ? t('history.outcomes.charged', { n: e.paidPlayNumber ?? '' })
      : e.outcome === 'free'
        ? `${t('history.outcomes.free')}${e.freeReason ? ` · ${t(`s2o.freeReasons.${e.freeReason}`)}` : ''}`
        : t('history.outcomes.preview');
  return (
    <>
      {history.data?.entries.map((e) => (
        <tr key={e.id} data-testid="history-row">
          <td>{new Date(e.countedAtMs).toLocaleString()}</td>
          <td>
            {e.title} <span className="muted">· {e.artist}</span>
          </td>
          <td>{outcome(e)}</td>
          <td className="num">{formatCredits(e.chargeThousandths)}</td>
          <td className="num">{formatDuration(e.heardMs)}</td>
          <td>{e.settled ? t('history.settled') : t('history.pending')}</td>
          <td>
            <PlayLogState entry={e} play={e.receiptId ? logStates.get(e.receiptId) : undefined} />
          </td>
        </tr>
      ))}
      {isLast && history.data?.nextBeforeId && (
        <tr>
          <td colSpan={7}>
            <button type="button" onClick={() => onMore(history.data!.nextBeforeId!)}>
              {t('history.more')}
            </button>
          </td>
        </tr>
      )}
    </>
  );
}

/** Counted plays and their charges, newest first. */
export function HistoryView() {
  const { t } = useTranslation();
  const first = useCall('wallet.history', { limit: 100 });
  const [pages, setPages] = useState<number[]>([]);
  const empty = first.data && first.data.entries.length === 0;
  return (
    <section className="view view-scroll" aria-labelledby="history-title">
      <h1 id="history-title">{t('history.title')}</h1>
      {empty && <p>{t('history.none')}</p>}
      <LogSummary />
      {first.data && !empty && (
        <table className="simple-table" aria-label={t('history.label')} data-testid="history">
          <thead>
            <tr>
              <th scope="col">{t('history.when')}</th>
              <th scope="col">{t('history.track')}</th>
              <th scope="col">{t('history.outcome')}</th>
              <th scope="col" className="num">
                {t('history.charge')}
              </th>
              <th scope="col" className="num">
                {t('history.heard')}
              </th>
              <th scope="col">{t('history.settled')}</th>
              <th scope="col">{t('tlog.column')}</th>
            </tr>
          </thead>
          <tbody>
            <HistoryPage isLast={pages.length === 0} onMore={(n) => setPages([n])} />
            {pages.map((beforeId, i) => (
              <HistoryPage
                key={beforeId}
                beforeId={beforeId}
                isLast={i === pages.length - 1}
                onMore={(n) => setPages([...pages, n])}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
