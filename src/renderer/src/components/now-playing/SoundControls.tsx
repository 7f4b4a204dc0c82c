import { useTranslation } from 'react-i18next';
import { usePlayer } from '../../player/store';
import { Icon, ICONS } from './icons';

/** Mute and the volume slider. */
export function SoundControls() {
  const { t } = useTranslation();
  const volume = usePlayer((s) => s.volume);
  const muted = usePlayer((s) => s.muted);
  const { toggleMute, setVolume } = usePlayer.getState();
  const percent = Math.round((muted ? 0 : volume) * 100);
  const muteLabel = muted ? t('player.unmute') : t('player.mute');
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label={muteLabel}
        title={muteLabel}
        aria-pressed={muted}
        onClick={toggleMute}
      >
        <Icon d={muted || volume === 0 ? ICONS.muted : ICONS.volume} />
      </button>
      <input
        type="range"
        className="volume"
        aria-label={t('player.volume')}
        aria-valuetext={`${percent}%`}
        min={0}
        max={100}
        step={1}
        value={percent}
        onChange={(e) => setVolume(Number(e.target.value) / 100)}
        data-testid="volume"
      />
    </>
  );
}

/** Opens and closes the queue panel. */
export function QueueToggle() {
  const { t } = useTranslation();
  const open = usePlayer((s) => s.queueOpen);
  return (
    <button
      type="button"
      className={open ? 'icon-button on' : 'icon-button'}
      aria-label={t('player.queue')}
      title={t('player.queue')}
      aria-pressed={open}
      onClick={() => usePlayer.getState().setQueueOpen(!open)}
      data-testid="queue-toggle"
    >
      <Icon d={ICONS.queue} />
    </button>
  );
}
