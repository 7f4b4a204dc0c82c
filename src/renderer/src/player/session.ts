import { api } from '../api/client';
import { fromSaved, sessionOf } from './saved-session';
import { usePlayer } from './store';

/** While playing, the position is saved this often; a pause, seek or track change saves at once. */
const POSITION_SAVE_MS = 5_000;
const CHANGE_SAVE_DELAY_MS = 250;

/**
 * Keeps the queue, the current track and its position in the main process
 * (`playerSession.*`) and puts them back at start-up, paused. Nothing is
 * saved until the saved queue was read, so a slow start never overwrites it
 * with an empty one.
 */
export function startPlayerSession(): void {
  let ready = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastPositionSave = 0;
  const save = () => {
    timer = null;
    lastPositionSave = Date.now();
    void api.call('playerSession.save', sessionOf(usePlayer.getState())).catch(() => undefined);
  };
  const saveSoon = (delay = CHANGE_SAVE_DELAY_MS) => {
    if (!ready) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, delay);
  };
  usePlayer.subscribe((s, p) => {
    if (s.queue !== p.queue || s.index !== p.index) return saveSoon();
    if (s.wantPlaying !== p.wantPlaying || s.seekRequest?.token !== p.seekRequest?.token) return saveSoon();
    if (s.positionMs !== p.positionMs && Date.now() - lastPositionSave >= POSITION_SAVE_MS) saveSoon(0);
  });
  window.addEventListener('pagehide', () => ready && save());
  void api
    .call('playerSession.get', {})
    .then((saved) => {
      if (saved && saved.queue.length > 0)
        usePlayer.getState().restore(saved.queue.map(fromSaved), saved.index, saved.positionMs);
    })
    .catch(() => undefined)
    .finally(() => {
      ready = true;
    });
}
