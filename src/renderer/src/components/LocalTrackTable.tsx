import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryTrack, TrackSortField } from '../../../shared/contract/library';
import { useCall } from '../api/queries';
import { fetchRows, usePagedWindow } from '../hooks/usePagedWindow';
import { currentItem, usePlayer } from '../player/store';
import { fromLibrary } from '../player/track';
import { formatDuration, formatKey } from '../lib/format';
import { ContextMenu } from '../views/dj/ContextMenu';
import { DataGrid, type Column, type SortState } from './DataGrid';
import { TrackProperties } from './TrackProperties';

export type TrackQueryBase = {
  sort: TrackSortField;
  direction: 'asc' | 'desc';
  search?: string;
  albumId?: number;
  artistId?: number;
};

function useTrackColumns(variant: 'library' | 'album'): Column<LibraryTrack>[] {
  const { t } = useTranslation();
  const settings = useCall('settings.get', {});
  const notation = settings.data?.keyNotation ?? 'camelot';
  return useMemo(() => {
    const c = (key: string) => t(`tracks.columns.${key}`);
    const columns: Column<LibraryTrack>[] = [
      {
        id: 'title',
        label: c('title'),
        width: 260,
        sortField: 'title',
        render: (r) => <span className="cell-title">{r.title}</span>,
      },
      { id: 'artist', label: c('artist'), width: 180, sortField: 'artist', render: (r) => r.artist },
      { id: 'album', label: c('album'), width: 180, sortField: 'album', render: (r) => r.album },
      {
        id: 'duration',
        label: c('duration'),
        width: 64,
        align: 'end',
        sortField: 'durationMs',
        render: (r) => formatDuration(r.durationMs),
      },
      { id: 'format', label: c('format'), width: 84, sortField: 'format', render: (r) => r.format },
      {
        id: 'bpm',
        label: c('bpm'),
        width: 56,
        align: 'end',
        sortField: 'bpm',
        render: (r) => (r.bpm ? Math.round(r.bpm) : ''),
      },
      { id: 'key', label: c('key'), width: 52, sortField: 'key', render: (r) => formatKey(r.key, notation) },
      {
        id: 'year',
        label: c('year'),
        width: 56,
        align: 'end',
        sortField: 'year',
        render: (r) => r.year ?? '',
      },
      { id: 'genre', label: c('genre'), width: 110, sortField: 'genre', render: (r) => r.genre },
      {
        id: 'plays',
        label: c('plays'),
        width: 56,
        align: 'end',
        sortField: 'playCount',
        render: (r) => r.playCount || '',
      },
      {
        id: 'path',
        label: c('path'),
        width: 360,
        sortField: 'path',
        defaultHidden: true,
        render: (r) => <span title={r.path}>{r.path}</span>,
      },
    ];
    if (variant === 'album') {
      columns.unshift({
        id: 'number',
        label: c('number'),
        width: 44,
        align: 'end',
        render: (r) => r.trackNo ?? '',
      });
    }
    return columns;
  }, [t, notation, variant]);
}

interface SelectionBarProps {
  count: number;
  onPlay(): void;
  onPlayNext(): void;
  onAdd(): void;
}

function SelectionBar({ count, onPlay, onPlayNext, onAdd }: SelectionBarProps) {
  const { t } = useTranslation();
  return (
    <div className="selection-bar" role="toolbar" aria-label={t('tracks.selected', { count })}>
      <span aria-live="polite">{t('tracks.selected', { count })}</span>
      <button type="button" onClick={onPlay} disabled={count === 0}>
        {t('tracks.play')}
      </button>
      <button type="button" onClick={onPlayNext} disabled={count === 0}>
        {t('tracks.playNext')}
      </button>
      <button type="button" onClick={onAdd} disabled={count === 0}>
        {t('tracks.addToQueue')}
      </button>
    </div>
  );
}

/**
 * The right-click menu of track rows: play, play next, add to queue, and
 * Properties (one track) — everywhere tracks are listed.
 */
function useRowMenu(actions: {
  play(): void;
  playNext(): void;
  add(): void;
  trackAt(index: number): LibraryTrack | undefined;
}) {
  const { t } = useTranslation();
  const [menu, setMenu] = useState<{ x: number; y: number; index: number } | null>(null);
  const [properties, setProperties] = useState<LibraryTrack | null>(null);
  const open = (index: number, event: { clientX: number; clientY: number; preventDefault(): void }) => {
    event.preventDefault();
    setMenu({ x: event.clientX, y: event.clientY, index });
  };
  const node = (
    <>
      {menu && (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          label={t('tracks.menuLabel')}
          onClose={() => setMenu(null)}
          items={[
            { label: t('tracks.play'), onSelect: actions.play },
            { label: t('tracks.playNext'), onSelect: actions.playNext },
            { label: t('tracks.addToQueue'), onSelect: actions.add },
            {
              label: t('tracks.properties'),
              disabled: !actions.trackAt(menu.index),
              onSelect: () => setProperties(actions.trackAt(menu.index) ?? null),
            },
          ]}
        />
      )}
      {properties && <TrackProperties track={properties} onClose={() => setProperties(null)} />}
    </>
  );
  return { open, node };
}

/** How many tracks around the one started go into the queue (the list can hold 100,000). */
const QUEUE_BEFORE = 100;
const QUEUE_AFTER = 900;

/** The library's track table: rows fetched in windows, sorted and searched by the main process. */
export function WindowedTrackTable({
  base,
  label,
  onSort,
}: {
  base: TrackQueryBase;
  label: string;
  onSort?(field: TrackSortField): void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const columns = useTrackColumns('library');
  const [range, setRange] = useState<{ start: number; end: number } | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const paged = usePagedWindow('library.tracks', base, range);
  const currentId = usePlayer((s) => currentItem(s)?.track.localId ?? null);
  const player = usePlayer.getState;

  const rowsAt = (indices: number[]) => fetchRows(client, 'library.tracks', base, indices);
  const playFrom = async (index: number) => {
    const total = paged.total ?? 0;
    const start = Math.max(0, index - QUEUE_BEFORE);
    const end = Math.min(total, index + QUEUE_AFTER);
    const indices = Array.from({ length: end - start }, (_, i) => start + i);
    const rows = await rowsAt(indices);
    player().playTracks(rows.map(fromLibrary), index - start);
  };
  const selectedTracks = async () => (await rowsAt(selected)).map(fromLibrary);
  const sort: SortState = { field: base.sort, direction: base.direction };
  const playSelected = () =>
    selected.length === 1
      ? void playFrom(selected[0]!)
      : void selectedTracks().then((tracks) => player().playTracks(tracks));
  const menu = useRowMenu({
    play: playSelected,
    playNext: () => void selectedTracks().then((tracks) => player().playNext(tracks)),
    add: () => void selectedTracks().then((tracks) => player().addToQueue(tracks)),
    trackAt: paged.rowAt,
  });

  return (
    <>
      <SelectionBar
        count={selected.length}
        onPlay={playSelected}
        onPlayNext={() => void selectedTracks().then((tracks) => player().playNext(tracks))}
        onAdd={() => void selectedTracks().then((tracks) => player().addToQueue(tracks))}
      />
      <DataGrid
        label={label}
        columns={columns}
        total={paged.total}
        rowAt={paged.rowAt}
        widthsKey="library"
        sort={sort}
        onSort={onSort ? (field) => onSort(field as TrackSortField) : undefined}
        onActivate={(index) => void playFrom(index)}
        onRangeChange={setRange}
        onSelectionChange={setSelected}
        isCurrent={(row) => row.id === currentId}
        emptyText={base.search ? t('tracks.noMatch', { search: base.search }) : t('tracks.none')}
        testId="track-table"
        columnChooser
        onRowContextMenu={menu.open}
      />
      {menu.node}
    </>
  );
}

/** A short list of tracks held whole (an album, an artist's tracks). */
export function TrackListTable({
  tracks,
  label,
  variant = 'album',
}: {
  tracks: LibraryTrack[];
  label: string;
  variant?: 'album' | 'library';
}) {
  const columns = useTrackColumns(variant);
  const [selected, setSelected] = useState<number[]>([]);
  const currentId = usePlayer((s) => currentItem(s)?.track.localId ?? null);
  const player = usePlayer.getState;
  const picked = () =>
    selected
      .map((i) => tracks[i])
      .filter((x): x is LibraryTrack => !!x)
      .map(fromLibrary);
  const playSelected = () =>
    selected.length === 1
      ? player().playTracks(tracks.map(fromLibrary), selected[0])
      : player().playTracks(picked());
  const menu = useRowMenu({
    play: playSelected,
    playNext: () => player().playNext(picked()),
    add: () => player().addToQueue(picked()),
    trackAt: (i) => tracks[i],
  });
  return (
    <>
      <SelectionBar
        count={selected.length}
        onPlay={playSelected}
        onPlayNext={() => player().playNext(picked())}
        onAdd={() => player().addToQueue(picked())}
      />
      <DataGrid
        label={label}
        columns={columns}
        total={tracks.length}
        rowAt={(i) => tracks[i]}
        widthsKey={variant}
        onActivate={(index) => player().playTracks(tracks.map(fromLibrary), index)}
        onSelectionChange={setSelected}
        isCurrent={(row) => row.id === currentId}
        testId="track-table"
        columnChooser
        onRowContextMenu={menu.open}
      />
      {menu.node}
    </>
  );
}
