import { useTranslation } from 'react-i18next';
import { formatCredits } from '../../../../shared/pricing';
import { previewCountdown } from '../../player/countdown';
import { currentItem, usePlayer } from '../../player/store';
import { Cover } from '../Cover';
import { Stream2OwnSummary } from '../Stream2Own';

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

/** The current track: cover, title, artist, its stream-to-own state and free-preview countdown. */
export function TrackInfo() {
  const { t } = useTranslation();
  const track = usePlayer(currentItem)?.track;
  return (
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
  );
}
