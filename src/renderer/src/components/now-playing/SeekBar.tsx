import { useTranslation } from 'react-i18next';
import { formatDuration } from '../../lib/format';
import { useSeekBar } from './useSeekBar';

/** Elapsed time, the seek slider (with the mark where a stream-to-own play counts), total time. */
export function SeekBar() {
  const { t } = useTranslation();
  const { hasTrack, duration, position, markAt, drag, release, cancel } = useSeekBar();
  const max = Math.max(1, Math.round(duration));
  return (
    <div className="np-seek">
      <span className="np-time" data-testid="elapsed" aria-label={t('player.elapsed')}>
        {formatDuration(position)}
      </span>
      <div className="seek-wrap">
        <input
          type="range"
          className="seek"
          aria-label={t('player.seek')}
          aria-valuetext={t('player.seekValue', {
            elapsed: formatDuration(position),
            total: formatDuration(duration),
          })}
          min={0}
          max={max}
          step={1000}
          value={Math.min(Math.round(position), max)}
          disabled={!hasTrack}
          onChange={(e) => drag(Number(e.target.value))}
          onPointerUp={release}
          onKeyUp={release}
          onBlur={cancel}
        />
        {markAt !== null && (
          <span
            className="seek-mark"
            style={{ left: `${markAt * 100}%` }}
            title={t('player.countMark')}
            data-testid="seek-mark"
            aria-hidden="true"
          />
        )}
      </div>
      <span className="np-time" data-testid="duration" aria-label={t('player.total')}>
        {formatDuration(duration)}
      </span>
    </div>
  );
}
