import { mediaUrl } from '../api/media';
import { usePlayer } from './store';
import type { PlayableTrack } from './track';

const supported = () => typeof navigator !== 'undefined' && 'mediaSession' in navigator;

/** Tells the OS (media keys, MPRIS, now-playing widgets) what is playing. */
export function updateMediaSession(track: PlayableTrack | null): void {
  if (!supported()) return;
  if (!track) {
    navigator.mediaSession.metadata = null;
    navigator.mediaSession.playbackState = 'none';
    return;
  }
  const set = (artwork: MediaImage[]) => {
    navigator.mediaSession.metadata = new MediaMetadata({
      title: track.title,
      artist: track.artist,
      album: track.album,
      artwork,
    });
  };
  set([]);
  if (track.coverPath) {
    void mediaUrl(track.coverPath)
      .then((src) => {
        if (usePlayer.getState().queue[usePlayer.getState().index]?.track === track)
          set([{ src: new URL(src, location.href).href }]);
      })
      .catch(() => undefined);
  }
}

export function updatePositionState(positionMs: number, durationMs: number, rate: number): void {
  if (!supported() || !(durationMs > 0)) return;
  try {
    navigator.mediaSession.setPositionState({
      duration: durationMs / 1000,
      position: Math.min(positionMs, durationMs) / 1000,
      playbackRate: rate || 1,
    });
  } catch {
    // Some platforms reject position state; metadata still works.
  }
}

export function installMediaSessionHandlers(): void {
  if (!supported()) return;
  const player = () => usePlayer.getState();
  const handlers: [MediaSessionAction, MediaSessionActionHandler][] = [
    ['play', () => player().play()],
    ['pause', () => player().pause()],
    ['stop', () => player().pause()],
    ['nexttrack', () => player().next()],
    ['previoustrack', () => player().previous()],
    ['seekbackward', (d) => player().seekBy(-(d.seekOffset ?? 10) * 1000)],
    ['seekforward', (d) => player().seekBy((d.seekOffset ?? 10) * 1000)],
    ['seekto', (d) => d.seekTime !== undefined && player().seek(d.seekTime * 1000)],
  ];
  for (const [action, handler] of handlers) {
    try {
      navigator.mediaSession.setActionHandler(action, handler);
    } catch {
      // Not supported on this platform.
    }
  }
  usePlayer.subscribe((s, prev) => {
    if (s.status !== prev.status) {
      navigator.mediaSession.playbackState =
        s.status === 'playing' ? 'playing' : s.index >= 0 ? 'paused' : 'none';
    }
  });
}
