import { useState } from 'react';
import { countMarkFraction } from '../../player/countdown';
import { currentItem, usePlayer } from '../../player/store';

/**
 * The seek bar's values: the duration (the element's, else the track's), the position (the one being
 * dragged to while the slider is held, else the player's), where a stream-to-own play counts (a mark, as
 * a fraction), and the drag: the player seeks once, when the slider is let go.
 */
export function useSeekBar() {
  const track = usePlayer(currentItem)?.track;
  const durationMs = usePlayer((s) => s.durationMs);
  const positionMs = usePlayer((s) => s.positionMs);
  const [dragMs, setDragMs] = useState<number | null>(null);
  const duration = durationMs || track?.durationMs || 0;
  const stake = track?.stream2own && !track.stream2own.owned && track.stream2own.freeReason === null;
  const release = () => {
    if (dragMs !== null) usePlayer.getState().seek(dragMs);
    setDragMs(null);
  };
  return {
    hasTrack: track !== undefined,
    duration,
    position: dragMs ?? positionMs,
    markAt: stake ? countMarkFraction(duration) : null,
    drag: setDragMs,
    release,
    cancel: () => setDragMs(null),
  };
}
