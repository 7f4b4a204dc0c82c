import { useTranslation } from 'react-i18next';
import type { RepeatMode } from '../../player/store';
import { currentItem, usePlayer } from '../../player/store';
import { Icon, ICONS } from './icons';

const REPEAT_LABEL: Record<RepeatMode, string> = {
  off: 'player.repeatOff',
  all: 'player.repeatAll',
  one: 'player.repeatOne',
};

/** One round icon button, its label also its tooltip. */
function TransportButton(props: {
  label: string;
  icon: string;
  onClick(): void;
  on?: boolean;
  pressed?: boolean;
  disabled?: boolean;
  className?: string;
  testId?: string;
}) {
  const base = props.className ? `icon-button ${props.className}` : 'icon-button';
  return (
    <button
      type="button"
      className={props.on ? `${base} on` : base}
      aria-label={props.label}
      title={props.label}
      aria-pressed={props.pressed}
      onClick={props.onClick}
      disabled={props.disabled}
      data-testid={props.testId}
    >
      <Icon d={props.icon} />
    </button>
  );
}

/** Shuffle, previous, play/pause, next, repeat. */
export function TransportControls() {
  const { t } = useTranslation();
  const p = usePlayer.getState();
  const hasTrack = usePlayer((s) => currentItem(s) !== null);
  const queueEmpty = usePlayer((s) => s.queue.length === 0);
  const playing = usePlayer((s) => s.wantPlaying && s.status !== 'error');
  const shuffle = usePlayer((s) => s.shuffle);
  const repeat = usePlayer((s) => s.repeat);
  const shuffleLabel = shuffle ? t('player.shuffleOn') : t('player.shuffleOff');
  return (
    <div className="np-controls">
      <TransportButton
        label={shuffleLabel}
        icon={ICONS.shuffle}
        on={shuffle}
        pressed={shuffle}
        onClick={p.toggleShuffle}
      />
      <TransportButton
        label={t('player.previous')}
        icon={ICONS.previous}
        onClick={p.previous}
        disabled={!hasTrack}
      />
      <TransportButton
        label={playing ? t('player.pause') : t('player.play')}
        icon={playing ? ICONS.pause : ICONS.play}
        className="play-button"
        onClick={p.toggle}
        disabled={queueEmpty}
        testId="play-pause"
      />
      <TransportButton
        label={t('player.next')}
        icon={ICONS.next}
        onClick={() => p.next()}
        disabled={!hasTrack}
      />
      <TransportButton
        label={t(REPEAT_LABEL[repeat])}
        icon={repeat === 'one' ? ICONS.repeatOne : ICONS.repeat}
        on={repeat !== 'off'}
        onClick={p.cycleRepeat}
        testId="repeat"
      />
    </div>
  );
}
