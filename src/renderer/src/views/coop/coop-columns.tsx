import { useTranslation } from 'react-i18next';
import type { CoopTrack } from '../../../../shared/contract/wallet';
import type { Column } from '../../components/DataGrid';
import { PlaySteps, PriceTag } from '../../components/Stream2Own';
import { formatDuration } from '../../lib/format';

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

/** The catalog table's columns; `pinned` holds the ids of the downloads kept pinned. */
export function useCoopColumns(pinned: Set<string>): Column<CoopTrack>[] {
  const { t } = useTranslation();
  const c = (key: string) => t(`tracks.columns.${key}`);
  return [
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
}
