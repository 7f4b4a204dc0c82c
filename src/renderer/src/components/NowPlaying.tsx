import { useEffect, useState } from 'react';
import { formatCredits } from '../../../shared/pricing';
import { countMarkFraction, previewCountdown } from '../player/countdown';
import { useTranslation } from 'react-i18next';
import { currentItem, usePlayer } from '../player/store';
import { formatDuration } from '../lib/format';
import { Cover } from './Cover';
import { SkipNoticeText } from './SkipNoticeText';
import { Stream2OwnSummary } from './Stream2Own';

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path fill="currentColor" d={d} />
    </svg>
  );
}
const ICONS = {
  play: 'M8 5v14l11-7z',
  pause: 'M6 5h4v14H6zm8 0h4v14h-4z',
  next: 'M6 18l8.5-6L6 6v12zm9-12v12h2V6h-2z',
  previous: 'M6 6h2v12H6zm3.5 6l8.5 6V6z',
  shuffle:
    'M10.6 9.2 5.4 4 4 5.4l5.2 5.2 1.4-1.4zM14.5 4l2 2L4 18.6 5.4 20 18 7.5l2 2V4h-5.5zm.3 9.4-1.4 1.4 3.1 3.2-2 2H20v-5.5l-2 2-3.2-3.1z',
  repeat: 'M7 7h10v3l4-4-4-4v3H5v6h2V7zm10 10H7v-3l-4 4 4 4v-3h12v-6h-2v4z',
  repeatOne: 'M7 7h10v3l4-4-4-4v3H5v6h2V7zm10 10H7v-3l-4 4 4 4v-3h12v-6h-2v4zm-4-2V9h-1l-2 1v1h1.5v4H13z',
  volume: 'M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z',
  muted:
    'M16.5 12A4.5 4.5 0 0 0 14 8v2.2l2.45 2.45c.03-.2.05-.41.05-.65zM19 12c0 .94-.2 1.82-.54 2.64l1.51 1.51A8.8 8.8 0 0 0 21 12c0-4.28-2.99-7.86-7-8.77v2.06c2.89.86 5 3.54 5 6.71zM4.27 3 3 4.27 7.73 9H3v6h4l5 5v-6.73l4.25 4.25c-.67.52-1.42.93-2.25 1.18v2.06a9 9 0 0 0 3.69-1.81L19.73 21 21 19.73l-9-9L4.27 3zM12 4 9.91 6.09 12 8.18V4z',
  queue: 'M3 6h13v2H3zm0 4h13v2H3zm0 4h9v2H3zm13 0v6l5-3z',
};

/** "Free preview: 12 s left": the main process's heard time against the 45 free seconds of a co-op play. */
function PreviewCountdownText() {
  const { t } = useTranslation();
  const item = usePlayer(currentItem);
  const heardMs = usePlayer((s) => s.heardMs);
  const counted = usePlayer((s) => s.counted);
  const state = item?.track.stream2own;
  const countdown = previewCountdown(state, heardMs, counted);
  if (!countdown || !state) return null;
  const price = formatCredits(state.nextPriceThousandths);
  return (
    <div
      className={countdown.kind === 'preview' ? 'np-countdown preview' : 'np-countdown'}
      data-testid="preview-countdown"
      title={t(`player.countdown.${countdown.kind}Tip`, { price })}
    >
      {t(`player.countdown.${countdown.kind}`, { count: countdown.secondsLeft })}
    </div>
  );
}

/** A brief, quiet notice that a play was charged: the price and which of the nine paid plays it was, in words. */
function ChargeNoticeText() {
  const { t } = useTranslation();
  const notice = usePlayer((s) => s.chargeNotice);
  const dismiss = usePlayer((s) => s.dismissChargeNotice);
  useEffect(() => {
    if (!notice) return;
    const id = setTimeout(dismiss, 8_000);
    return () => clearTimeout(id);
  }, [notice, dismiss]);
  const values = notice && {
    n: notice.paidPlayNumber,
    title: notice.title,
    price: formatCredits(notice.chargeThousandths),
  };
  return (
    <p className="np-notice" role="status" data-testid="charge-notice">
      {values && (
        <>
          {t(values.n === 9 ? 'player.chargedOwned' : 'player.charged', values)}{' '}
          <button type="button" className="link small" onClick={dismiss}>
            {t('player.dismissNotice')}
          </button>
        </>
      )}
    </p>
  );
}

/** The now-playing bar: cover, title/artist, transport, seek, time, volume, shuffle/repeat, queue. */
export function NowPlayingBar() {
  const { t } = useTranslation();
  const item = usePlayer(currentItem);
  const s = usePlayer();
  const [dragMs, setDragMs] = useState<number | null>(null);
  const track = item?.track;
  const duration = s.durationMs || track?.durationMs || 0;
  const position = dragMs ?? s.positionMs;
  const playing = s.wantPlaying && s.status !== 'error';
  const stake = track?.stream2own && !track.stream2own.owned && track.stream2own.freeReason === null;
  const markAt = stake ? countMarkFraction(duration) : null;
  const repeatLabel =
    s.repeat === 'off'
      ? t('player.repeatOff')
      : s.repeat === 'all'
        ? t('player.repeatAll')
        : t('player.repeatOne');

  return (
    <footer className="now-playing" aria-label={t('player.label')} data-testid="now-playing">
      <div className="np-track">
        <Cover
          path={track?.coverPath}
          alt={track ? t('albums.coverOf', { title: track.album || track.title }) : t('player.cover')}
          size={48}
        />
        <div className="np-meta">
          <div className="np-title" data-testid="np-title">
            {track?.title ?? t('player.nothing')}
          </div>
          <div className="np-artist muted" data-testid="np-artist">
            {track?.artist ?? ''}
          </div>
          {track?.stream2own && <Stream2OwnSummary state={track.stream2own} />}
          <PreviewCountdownText />
        </div>
      </div>

      <div className="np-center">
        <div className="np-controls">
          <button
            type="button"
            className={s.shuffle ? 'icon-button on' : 'icon-button'}
            aria-label={s.shuffle ? t('player.shuffleOn') : t('player.shuffleOff')}
            title={s.shuffle ? t('player.shuffleOn') : t('player.shuffleOff')}
            aria-pressed={s.shuffle}
            onClick={s.toggleShuffle}
          >
            <Icon d={ICONS.shuffle} />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={t('player.previous')}
            title={t('player.previous')}
            onClick={s.previous}
            disabled={!track}
          >
            <Icon d={ICONS.previous} />
          </button>
          <button
            type="button"
            className="icon-button play-button"
            aria-label={playing ? t('player.pause') : t('player.play')}
            title={playing ? t('player.pause') : t('player.play')}
            onClick={s.toggle}
            disabled={s.queue.length === 0}
            data-testid="play-pause"
          >
            <Icon d={playing ? ICONS.pause : ICONS.play} />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={t('player.next')}
            title={t('player.next')}
            onClick={() => s.next()}
            disabled={!track}
          >
            <Icon d={ICONS.next} />
          </button>
          <button
            type="button"
            className={s.repeat !== 'off' ? 'icon-button on' : 'icon-button'}
            aria-label={repeatLabel}
            title={repeatLabel}
            onClick={s.cycleRepeat}
            data-testid="repeat"
          >
            <Icon d={s.repeat === 'one' ? ICONS.repeatOne : ICONS.repeat} />
          </button>
        </div>
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
              max={Math.max(1, Math.round(duration))}
              step={1000}
              value={Math.min(Math.round(position), Math.max(1, Math.round(duration)))}
              disabled={!track}
              onChange={(e) => setDragMs(Number(e.target.value))}
              onPointerUp={() => {
                if (dragMs !== null) s.seek(dragMs);
                setDragMs(null);
              }}
              onKeyUp={() => {
                if (dragMs !== null) s.seek(dragMs);
                setDragMs(null);
              }}
              onBlur={() => setDragMs(null)}
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
        <ChargeNoticeText />
        <SkipNoticeText />
        {s.status === 'error' && s.error && (
          <p className="status-error np-error" role="alert">
            {t('player.error', { message: s.error })}
          </p>
        )}
      </div>

      <div className="np-right">
        <button
          type="button"
          className="icon-button"
          aria-label={s.muted ? t('player.unmute') : t('player.mute')}
          title={s.muted ? t('player.unmute') : t('player.mute')}
          aria-pressed={s.muted}
          onClick={s.toggleMute}
        >
          <Icon d={s.muted || s.volume === 0 ? ICONS.muted : ICONS.volume} />
        </button>
        <input
          type="range"
          className="volume"
          aria-label={t('player.volume')}
          aria-valuetext={`${Math.round((s.muted ? 0 : s.volume) * 100)}%`}
          min={0}
          max={100}
          step={1}
          value={Math.round((s.muted ? 0 : s.volume) * 100)}
          onChange={(e) => s.setVolume(Number(e.target.value) / 100)}
          data-testid="volume"
        />
        <button
          type="button"
          className={s.queueOpen ? 'icon-button on' : 'icon-button'}
          aria-label={t('player.queue')}
          title={t('player.queue')}
          aria-pressed={s.queueOpen}
          onClick={() => s.setQueueOpen(!s.queueOpen)}
          data-testid="queue-toggle"
        >
          <Icon d={ICONS.queue} />
        </button>
      </div>
    </footer>
  );
}
