import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCall } from '../../api/queries';
import { DataGrid } from '../../components/DataGrid';
import { formatBytes } from '../../lib/format';
import { currentItem, usePlayer } from '../../player/store';
import { fromCoop } from '../../player/track';
import { EmptyCatalogHint } from '../coop-node/EmptyCatalogHint';
import { useCoopColumns } from './coop-columns';
import { TrackActions } from './TrackActions';
import '../../styles/account.css';

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
  const columns = useCoopColumns(pinned);
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
