import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryArtist } from '../../../shared/contract/library';
import { useCall } from '../api/queries';
import { Cover } from '../components/Cover';
import { TrackListTable } from '../components/LocalTrackTable';
import { usePagedWindow } from '../hooks/usePagedWindow';
import { usePlayer } from '../player/store';
import { fromLibrary } from '../player/track';
import { useNavigation } from '../store/navigation';
import { AlbumCard } from './AlbumsView';

const ROW = 56;

/** Artists, a virtualized list; each opens the artist's page. */
export function ArtistsView() {
  const { t } = useTranslation();
  const { detail, go } = useNavigation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [range, setRange] = useState<{ start: number; end: number } | null>(null);
  const paged = usePagedWindow<'library.artists', LibraryArtist>('library.artists', {}, range);
  // The virtualizer's functions are read during render on purpose; this component is not memoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: paged.total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 8,
    onChange: (instance) => {
      const items = instance.getVirtualItems();
      if (items.length) setRange({ start: items[0]!.index, end: items[items.length - 1]!.index });
    },
  });
  if (detail) return <ArtistPage id={Number(detail)} />;
  return (
    <section className="view view-fill" aria-labelledby="artists-title">
      <div className="view-head">
        <h1 id="artists-title">{t('artists.title')}</h1>
      </div>
      {paged.total === 0 && <p className="muted">{t('artists.none')}</p>}
      <div ref={scrollRef} className="artist-scroll">
        <ul
          className="artist-list"
          aria-label={t('artists.label')}
          style={{ height: virtualizer.getTotalSize() }}
        >
          {virtualizer.getVirtualItems().map((item) => {
            const artist = paged.rowAt(item.index);
            return (
              <li key={item.key} style={{ transform: `translateY(${item.start}px)`, height: ROW }}>
                {artist && (
                  <button
                    type="button"
                    className="artist-row"
                    onClick={() => go('artists', String(artist.id))}
                  >
                    <Cover path={artist.coverPath} alt="" size={40} className="round" />
                    <span className="artist-name">{artist.name}</span>
                    <span className="muted">
                      {t('artists.summary', {
                        albums: t('albums.count', { count: artist.albumCount }),
                        tracks: t('albums.tracks', { count: artist.trackCount }),
                      })}
                    </span>
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}

function ArtistPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const artist = useCall('library.artist', { id });
  const go = useNavigation((s) => s.go);
  if (artist.error)
    return (
      <section className="view">
        <p role="alert">{t('errors.generic', { message: artist.error.message })}</p>
      </section>
    );
  if (!artist.data) return <section className="view" aria-busy="true" />;
  const { artist: a, albums, tracks } = artist.data;
  return (
    <section className="view view-scroll" aria-labelledby="artist-title">
      <button type="button" className="back" onClick={() => go('artists')}>
        ← {t('nav.back')}
      </button>
      <div className="view-head">
        <h1 id="artist-title">{a.name}</h1>
        <span className="muted">
          {t('artists.summary', {
            albums: t('albums.count', { count: a.albumCount }),
            tracks: t('albums.tracks', { count: a.trackCount }),
          })}
        </span>
        <button
          type="button"
          className="primary"
          onClick={() => usePlayer.getState().playTracks(tracks.map(fromLibrary))}
        >
          {t('artists.playAll')}
        </button>
      </div>
      {albums.length > 0 && (
        <>
          <h2>{t('artists.albums')}</h2>
          <ul className="album-wrap" aria-label={t('artists.albums')}>
            {albums.map((album) => (
              <li key={album.id}>
                <AlbumCard album={album} />
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{t('artists.tracks')}</h2>
      <div className="artist-tracks">
        <TrackListTable tracks={tracks} label={t('artists.tracks')} variant="library" />
      </div>
    </section>
  );
}
