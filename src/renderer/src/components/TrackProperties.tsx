import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryTrack } from '../../../shared/contract/library';
import { formatDuration } from '../lib/format';

/** Everything the library knows of one track, its file path first among equals: two copies of a song are told apart here. */
export function TrackProperties({ track, onClose }: { track: LibraryTrack; onClose(): void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const p = (key: string) => t(`properties.${key}`);
  const rows: [string, string][] = [
    [p('title'), track.title],
    [p('artist'), track.artist],
    [p('albumArtist'), track.albumArtist],
    [p('album'), track.album],
    [p('track'), [track.discNo ? `${track.discNo}.` : '', track.trackNo ?? ''].join('') || '—'],
    [p('year'), track.year ? String(track.year) : '—'],
    [p('genre'), track.genre || '—'],
    [p('duration'), formatDuration(track.durationMs)],
    [
      p('format'),
      [
        track.format,
        track.bitrate ? `${Math.round(track.bitrate / 1000)} kbit/s` : '',
        track.sampleRate ? `${(track.sampleRate / 1000).toFixed(1)} kHz` : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ],
    [p('bpm'), track.bpm ? String(Math.round(track.bpm)) : '—'],
    [p('key'), track.key ?? '—'],
    [p('plays'), String(track.playCount)],
    [p('lastPlayed'), track.lastPlayedAt ? new Date(track.lastPlayedAt).toLocaleString() : '—'],
    [p('added'), new Date(track.addedAt).toLocaleString()],
    [p('status'), t(`properties.statuses.${track.status}`)],
    [p('file'), track.path],
  ];
  return (
    <dialog
      ref={ref}
      className="properties-dialog"
      aria-labelledby="properties-title"
      onClose={onClose}
      data-testid="track-properties"
    >
      <h2 id="properties-title">{t('properties.heading', { title: track.title })}</h2>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label} style={{ display: 'contents' }}>
            <dt>{label}</dt>
            <dd
              className={label === p('file') ? 'mono' : undefined}
              data-testid={label === p('file') ? 'properties-path' : undefined}
            >
              {value}
            </dd>
          </div>
        ))}
      </dl>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={() => ref.current?.close()}>
          {t('properties.close')}
        </button>
      </div>
    </dialog>
  );
}
