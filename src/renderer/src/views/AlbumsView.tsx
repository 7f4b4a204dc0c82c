import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryAlbum } from '../../../shared/contract/library';
import { fetchCall, queryClient, useCall } from '../api/queries';
import { Cover } from '../components/Cover';
import { TrackListTable } from '../components/LocalTrackTable';
import { usePagedWindow } from '../hooks/usePagedWindow';
import { usePlayer } from '../player/store';
import { fromLibrary } from '../player/track';
import { useNavigation } from '../store/navigation';
import { formatDuration } from '../lib/format';

const CARD = 184;
const CARD_HEIGHT = 240;

export function AlbumCard({ album }: { album: LibraryAlbum }) {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  return (
    <button
      type="button"
      className="album-card"
      onClick={() => go('albums', String(album.id))}
      aria-label={t('albums.open', { title: album.title, artist: album.albumArtist })}
    >
      <Cover path={album.coverPath} alt="" size={160} />
      <span className="album-title">{album.title}</span>
      <span className="muted album-artist">{album.albumArtist}</span>
    </button>
  );
}

/** The album grid, virtualized by rows of cards. */
export function AlbumsView() {
  const { t } = useTranslation();
  const detail = useNavigation((s) => s.detail);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [range, setRange] = useState<{ start: number; end: number } | null>(null);
  const perRow = Math.max(1, Math.floor(width / CARD));
  const paged = usePagedWindow<'library.albums', LibraryAlbum>('library.albums', {}, range);
  const total = paged.total ?? 0;
  const rows = Math.ceil(total / perRow);
  // The virtualizer's functions are read during render on purpose; this component is not memoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CARD_HEIGHT,
    overscan: 2,
    onChange: (instance) => {
      const items = instance.getVirtualItems();
      const el = scrollRef.current;
      if (el && el.clientWidth !== width) setWidth(el.clientWidth);
      if (items.length)
        setRange({ start: items[0]!.index * perRow, end: (items[items.length - 1]!.index + 1) * perRow - 1 });
    },
  });
  if (detail) return <AlbumPage id={Number(detail)} />;
  return (
    <section className="view view-fill" aria-labelledby="albums-title">
      <div className="view-head">
        <h1 id="albums-title">{t('albums.title')}</h1>
        {paged.total !== null && <span className="muted">{t('albums.count', { count: total })}</span>}
      </div>
      {paged.total === 0 && <p className="muted">{t('albums.none')}</p>}
      <div ref={scrollRef} className="album-scroll">
        <ul
          className="album-rows"
          aria-label={t('albums.label')}
          style={{ height: virtualizer.getTotalSize() }}
        >
          {virtualizer.getVirtualItems().flatMap((row) =>
            Array.from({ length: perRow }, (_, col) => {
              const index = row.index * perRow + col;
              const album = index < total ? paged.rowAt(index) : undefined;
              if (!album) return null;
              return (
                <li
                  key={album.id}
                  className="album-cell"
                  style={{ transform: `translate(${col * CARD}px, ${row.start}px)` }}
                >
                  <AlbumCard album={album} />
                </li>
              );
            }),
          )}
        </ul>
      </div>
    </section>
  );
}

function AlbumPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const album = useCall('library.album', { id });
  const go = useNavigation((s) => s.go);
  const player = usePlayer.getState;
  if (album.error)
    return (
      <section className="view">
        <p role="alert">{t('errors.generic', { message: album.error.message })}</p>
      </section>
    );
  if (!album.data) return <section className="view" aria-busy="true" />;
  const { album: a, tracks } = album.data;
  return (
    <section className="view view-fill" aria-labelledby="album-title">
      <button type="button" className="back" onClick={() => go('albums')}>
        ← {t('nav.back')}
      </button>
      <div className="album-header">
        <Cover path={a.coverPath} alt={t('albums.coverOf', { title: a.title })} size={160} />
        <div>
          <h1 id="album-title">{a.title}</h1>
          <p>
            {a.albumArtist ? (
              <button type="button" className="link" onClick={() => void openArtistByName(a.albumArtist, go)}>
                {a.albumArtist}
              </button>
            ) : null}
            <span className="muted">
              {a.year ? ` · ${a.year}` : ''} · {t('albums.tracks', { count: a.trackCount })} ·{' '}
              {formatDuration(a.durationMs)}
            </span>
          </p>
          <div className="button-row">
            <button
              type="button"
              className="primary"
              onClick={() => player().playTracks(tracks.map(fromLibrary))}
            >
              {t('albums.playAll')}
            </button>
            <button type="button" onClick={() => player().addToQueue(tracks.map(fromLibrary))}>
              {t('tracks.addToQueue')}
            </button>
          </div>
        </div>
      </div>
      <TrackListTable tracks={tracks} label={t('tracks.label')} />
    </section>
  );
}

/** The album page names an artist by name; find their page through the tracks. */
async function openArtistByName(name: string, go: (view: 'artists', detail: string) => void) {
  const page = await fetchCall(queryClient, 'library.tracks', { search: name, limit: 50 });
  const match = page.rows.find((r) => r.albumArtist === name || r.artist === name);
  if (match?.artistId != null) go('artists', String(match.artistId));
}
