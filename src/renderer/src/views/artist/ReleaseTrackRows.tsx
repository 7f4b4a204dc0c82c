import { useTranslation } from 'react-i18next';
import type { DraftTrack, ReleaseDraft } from '../../../../shared/contract/release';
import { formatDuration } from '../../lib/format';
import { isMultiDisc, trackNumberLabel } from './track-number';

function loudnessOf(track: DraftTrack): number | null {
  return track.measurement.state === 'measured' ? track.measurement.integratedLufs : null;
}

/** A bar from −40 to 0 LUFS with the target marked. */
function LoudnessMeter({
  lufs,
  target,
  tolerance,
}: {
  lufs: number | null;
  target: number;
  tolerance: number;
}) {
  const pct = (v: number) => `${Math.max(0, Math.min(100, ((v + 40) / 40) * 100))}%`;
  const off = lufs === null ? 0 : lufs - target;
  const state = lufs === null ? 'none' : Math.abs(off) <= tolerance ? 'ok' : off > 0 ? 'loud' : 'quiet';
  return (
    <span className={`loudness-meter ${state}`} aria-hidden="true">
      <span
        className="loudness-band"
        style={{ left: pct(target - tolerance), width: `${(tolerance * 2 * 100) / 40}%` }}
      />
      {lufs !== null && <span className="loudness-value" style={{ width: pct(lufs) }} />}
      <span className="loudness-target" style={{ left: pct(target) }} />
    </span>
  );
}

interface RowProps {
  target: number;
  tolerance: number;
  playing: number | null;
  onPlay(p: number | null): void;
}

/** The draft's tracks: number, title, artist, duration, format, loudness against the target, a preview button. */
export function TrackRows({ draft, ...row }: RowProps & { draft: ReleaseDraft }) {
  const { t } = useTranslation();
  const multiDisc = isMultiDisc(draft.tracks);
  return (
    <table
      className="simple-table release-tracks"
      aria-label={t('artist.preview.tracksLabel')}
      data-testid="release-tracks"
    >
      <TrackRowsHead />
      <tbody>
        {draft.tracks.map((tr) => (
          <TrackRow key={tr.position} track={tr} multiDisc={multiDisc} {...row} />
        ))}
      </tbody>
    </table>
  );
}

function TrackRowsHead() {
  const { t } = useTranslation();
  return (
    <thead>
      <tr>
        <th scope="col">{t('tracks.columns.number')}</th>
        <th scope="col">{t('tracks.columns.title')}</th>
        <th scope="col">{t('tracks.columns.artist')}</th>
        <th scope="col" className="num">
          {t('tracks.columns.duration')}
        </th>
        <th scope="col">{t('tracks.columns.format')}</th>
        <th scope="col">{t('artist.preview.loudness')}</th>
        <th scope="col">{t('artist.preview.previewColumn')}</th>
      </tr>
    </thead>
  );
}

function TrackRow({ track: tr, multiDisc, ...row }: RowProps & { track: DraftTrack; multiDisc: boolean }) {
  const { t } = useTranslation();
  return (
    <tr data-position={tr.position}>
      <td className="num" data-testid="track-number">
        {trackNumberLabel(tr, multiDisc) ?? (
          <span className="muted" title={t('artist.preview.noTrackNumber')}>
            —
          </span>
        )}
      </td>
      <td>
        {tr.title || <span className="muted">{tr.fileName}</span>}
        {tr.alwaysFree && <span className="badge badge-free">{t('artist.preview.alwaysFree')}</span>}
      </td>
      <td>{tr.artist}</td>
      <td className="num">{formatDuration(tr.durationMs)}</td>
      <td className="muted">
        {tr.codec}
        {tr.bitrate ? ` · ${Math.round(tr.bitrate / 1000)} kbit/s` : ''}
        {tr.sampleRate ? ` · ${(tr.sampleRate / 1000).toFixed(1)} kHz` : ''}
      </td>
      <td className="loudness-cell">
        <Loudness track={tr} target={row.target} tolerance={row.tolerance} />
      </td>
      <td>
        <PreviewToggle track={tr} playing={row.playing} onPlay={row.onPlay} />
      </td>
    </tr>
  );
}

/** Measuring, not measured, or the meter with the value against the target (and clipping). */
function Loudness({ track, target, tolerance }: { track: DraftTrack; target: number; tolerance: number }) {
  const { t } = useTranslation();
  const m = track.measurement;
  if (m.state === 'pending') return <span className="muted">{t('artist.preview.measuring')}</span>;
  if (m.state === 'not_measured') return <span className="muted">{t('artist.preview.notMeasured')}</span>;
  const lufs = loudnessOf(track);
  return (
    <>
      <LoudnessMeter lufs={lufs} target={target} tolerance={tolerance} />
      <span data-testid="lufs">
        {lufs === null
          ? t('artist.preview.silent')
          : t('artist.preview.lufs', {
              value: lufs.toFixed(1),
              diff: (lufs - target > 0 ? '+' : '') + (lufs - target).toFixed(1),
            })}
      </span>
      {m.clippedSamples > 0 && <span className="badge badge-error">{t('artist.preview.clipped')}</span>}
    </>
  );
}

function PreviewToggle({
  track: tr,
  playing,
  onPlay,
}: {
  track: DraftTrack;
  playing: number | null;
  onPlay(p: number | null): void;
}) {
  const { t } = useTranslation();
  const isPlaying = playing === tr.position;
  return (
    <button
      type="button"
      aria-pressed={isPlaying}
      aria-label={t(isPlaying ? 'artist.preview.stopTrack' : 'artist.preview.playTrack', {
        title: tr.title || tr.fileName,
      })}
      onClick={() => onPlay(isPlaying ? null : tr.position)}
    >
      {isPlaying ? '■' : '▶'}
    </button>
  );
}
