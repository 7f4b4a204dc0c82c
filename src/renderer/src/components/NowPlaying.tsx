import { useTranslation } from 'react-i18next';
import { ChargeNoticeText, PlayerError } from './now-playing/Notices';
import { SeekBar } from './now-playing/SeekBar';
import { QueueToggle, SoundControls } from './now-playing/SoundControls';
import { TrackInfo } from './now-playing/TrackInfo';
import { TransportControls } from './now-playing/TransportControls';
import { SkipNoticeText } from './SkipNoticeText';

/** The now-playing bar: cover, title/artist, transport, seek, time, volume, shuffle/repeat, queue. */
export function NowPlayingBar() {
  const { t } = useTranslation();
  return (
    <footer className="now-playing" aria-label={t('player.label')} data-testid="now-playing">
      <TrackInfo />
      <div className="np-center">
        <TransportControls />
        <SeekBar />
        <ChargeNoticeText />
        <SkipNoticeText />
        <PlayerError />
      </div>
      <div className="np-right">
        <SoundControls />
        <QueueToggle />
      </div>
    </footer>
  );
}
