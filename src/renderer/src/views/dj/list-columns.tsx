import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DjTrack, ListItem } from '../../../../shared/contract/dj';
import type { Column } from '../../components/DataGrid';
import { formatDuration } from '../../lib/format';
import { keyOf } from './dj-tracks';
import { RelocateMarker } from './RelocateMarker';

/** The columns of a list's items: position, the track's fields, and whether the track is gone or missing. */
export function useItemColumns(notation: 'camelot' | 'musical'): Column<ListItem>[] {
  const { t } = useTranslation();
  const c = (key: string) => t(`tracks.columns.${key}`);
  const track = (render: (tr: DjTrack) => ReactNode) => (r: ListItem) => (r.track ? render(r.track) : '');
  return [
    { id: 'number', label: c('number'), width: 44, align: 'end', render: (r) => r.position + 1 },
    {
      id: 'title',
      label: c('title'),
      width: 240,
      render: (r) => <span className="cell-title">{r.track?.title ?? r.label}</span>,
    },
    { id: 'artist', label: c('artist'), width: 170, render: track((tr) => tr.artist) },
    {
      id: 'bpm',
      label: c('bpm'),
      width: 64,
      align: 'end',
      render: track((tr) => (tr.bpm ? Math.round(tr.bpm) : '')),
    },
    { id: 'key', label: c('key'), width: 60, render: track((tr) => keyOf(tr, notation)) },
    {
      id: 'duration',
      label: c('duration'),
      width: 64,
      align: 'end',
      render: track((tr) => formatDuration(tr.durationMs)),
    },
    { id: 'album', label: c('album'), width: 160, render: track((tr) => tr.album) },
    {
      id: 'state',
      label: t('dj.stateColumn'),
      width: 180,
      render: (r) =>
        !r.track ? (
          t('dj.gone')
        ) : r.track.source === 'local' && r.track.status === 'missing' ? (
          <RelocateMarker track={r.track} />
        ) : (
          ''
        ),
    },
  ];
}
