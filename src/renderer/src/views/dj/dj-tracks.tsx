import { useMemo, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { djTrackRef, type DjList, type DjTrack, type LocalDjTrack } from '../../../../shared/contract/dj';
import type { TrackSortField } from '../../../../shared/contract/library';
import { useCall } from '../../api/queries';
import type { Column } from '../../components/DataGrid';
import { formatDuration } from '../../lib/format';
import { usePlayer } from '../../player/store';
import { addToList, fromDj, isItemList } from './actions';
import { ContextMenu, type MenuItem } from './ContextMenu';

/** What the collection (DjView) and a list (DjListView) both show of a track: its key, its columns, its menu. */

export type Notation = 'camelot' | 'musical';

export function useNotation(): Notation {
  const settings = useCall('settings.get', {});
  return settings.data?.keyNotation ?? 'camelot';
}

export function keyOf(track: DjTrack, notation: Notation): string {
  return (notation === 'camelot' ? track.camelotKey : track.musicalKey) ?? track.key ?? '';
}

export function useDjColumns(notation: Notation, sortable: boolean): Column<DjTrack>[] {
  const { t } = useTranslation();
  return useMemo(() => {
    const c = (key: string) => t(`tracks.columns.${key}`);
    const s = (field: TrackSortField) => (sortable ? field : undefined);
    return [
      {
        id: 'title',
        label: c('title'),
        width: 240,
        sortField: s('title'),
        render: (r) => <span className="cell-title">{r.title}</span>,
      },
      { id: 'artist', label: c('artist'), width: 170, sortField: s('artist'), render: (r) => r.artist },
      {
        id: 'bpm',
        label: c('bpm'),
        width: 76,
        align: 'end',
        sortField: s('bpm'),
        render: (r) => (r.bpm ? Math.round(r.bpm) : ''),
      },
      { id: 'key', label: c('key'), width: 68, sortField: s('key'), render: (r) => keyOf(r, notation) },
      {
        id: 'duration',
        label: c('duration'),
        width: 64,
        align: 'end',
        sortField: s('durationMs'),
        render: (r) => formatDuration(r.durationMs),
      },
      { id: 'album', label: c('album'), width: 160, sortField: s('album'), render: (r) => r.album },
      { id: 'genre', label: c('genre'), width: 100, sortField: s('genre'), render: (r) => r.genre },
      {
        id: 'year',
        label: c('year'),
        width: 56,
        align: 'end',
        sortField: s('year'),
        render: (r) => r.year ?? '',
      },
      { id: 'source', label: t('dj.sourceColumn'), width: 80, render: (r) => t(`dj.source.${r.source}`) },
    ] satisfies Column<DjTrack>[];
  }, [t, notation, sortable]);
}

/** Context menu and drag for a set of tracks. */
export function useTrackMenu(
  lists: DjList[],
  tracksOf: (index: number) => Promise<DjTrack[]>,
  onEditTags: (t: LocalDjTrack) => void,
) {
  const { t } = useTranslation();
  const [menu, setMenu] = useState<{ x: number; y: number; tracks: DjTrack[] } | null>(null);
  const open = (index: number, event: MouseEvent) => {
    event.preventDefault();
    const at = { x: event.clientX, y: event.clientY };
    void tracksOf(index).then((tracks) => tracks.length > 0 && setMenu({ ...at, tracks }));
  };
  const items = (tracks: DjTrack[]): MenuItem[] => {
    const player = usePlayer.getState();
    const out: MenuItem[] = [
      { label: t('tracks.play'), onSelect: () => player.playTracks(tracks.map(fromDj)) },
      { label: t('tracks.addToQueue'), onSelect: () => player.addToQueue(tracks.map(fromDj)) },
    ];
    for (const list of lists.filter(isItemList)) {
      out.push({
        label: t('dj.addTo', { name: list.name }),
        onSelect: () => void addToList(list, tracks.map(djTrackRef)),
      });
    }
    const only = tracks.length === 1 ? tracks[0]! : null;
    out.push({
      label: t('dj.tags.edit'),
      disabled: !only || only.source !== 'local',
      onSelect: () => only?.source === 'local' && onEditTags(only),
    });
    return out;
  };
  const element = menu && (
    <ContextMenu
      x={menu.x}
      y={menu.y}
      label={t('dj.menuLabel', { count: menu.tracks.length })}
      items={items(menu.tracks)}
      onClose={() => setMenu(null)}
    />
  );
  return { open, element };
}
