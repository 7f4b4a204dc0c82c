import { usePlayer } from './store';

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (TYPING.has(target.tagName)) return true;
  return false;
}

/** The window-wide keys, as the shortcut list (`?`) shows them; `keys` are i18n keys under `shortcuts.keys`. */
export const SHORTCUTS: { keys: string; action: string }[] = [
  { keys: 'space', action: 'playPause' },
  { keys: 'n', action: 'next' },
  { keys: 'p', action: 'previous' },
  { keys: 'm', action: 'mute' },
  { keys: 'leftRight', action: 'seek' },
  { keys: 'upDown', action: 'volume' },
  { keys: 'ctrlF', action: 'search' },
  { keys: 'ctrlA', action: 'selectAll' },
  { keys: 'enter', action: 'playRow' },
  { keys: 'menu', action: 'rowMenu' },
  { keys: 'altLeftRight', action: 'backForward' },
  { keys: 'question', action: 'help' },
];

/** The window's history: the previous and the next view (the router's history). */
export interface ViewHistory {
  back(): void;
  forward(): void;
}

/** The mouse's back and forward buttons (MouseEvent.button 3 and 4). */
const MOUSE_BACK = 3;
const MOUSE_FORWARD = 4;

/**
 * Alt+← / Alt+→ and the mouse's back/forward buttons go through the app's
 * history. Taken over (default prevented) so the browser of the web host does
 * not move a second time; left alone while typing, where Alt+arrows edit text.
 */
function installHistoryKeys(history: ViewHistory): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.defaultPrevented) return;
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    if (isTyping(event.target)) return;
    event.preventDefault();
    if (event.key === 'ArrowLeft') history.back();
    else history.forward();
  };
  const onMouseUp = (event: MouseEvent) => {
    if (event.button !== MOUSE_BACK && event.button !== MOUSE_FORWARD) return;
    event.preventDefault();
    if (event.button === MOUSE_BACK) history.back();
    else history.forward();
  };
  window.addEventListener('keydown', onKeyDown);
  window.addEventListener('mouseup', onMouseUp);
  return () => {
    window.removeEventListener('keydown', onKeyDown);
    window.removeEventListener('mouseup', onMouseUp);
  };
}

/**
 * Window-wide keys: Space plays/pauses, N / P next and previous track, M
 * mutes, ←/→ seek 5 s, Shift+↑/↓ (or ↑/↓ outside lists) change the volume,
 * Ctrl/Cmd+F focuses the search, Alt+←/→ (and the mouse's back/forward
 * buttons) go back and forward between views, ? lists the keys. Keys are left alone while
 * typing, on buttons (Space presses them), in grids (arrows move) and in
 * media elements with their own controls.
 */
export function installShortcuts(
  focusSearch: () => void,
  showHelp: () => void = () => undefined,
  history?: ViewHistory,
): () => void {
  const removeHistoryKeys = history ? installHistoryKeys(history) : () => undefined;
  const onKeyDown = (event: KeyboardEvent) => {
    const player = usePlayer.getState();
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'f') {
      event.preventDefault();
      focusSearch();
      return;
    }
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) return;
    const target = event.target instanceof HTMLElement ? event.target : null;
    const onButton = !!target?.closest('button, a, summary, [role="separator"], dialog');
    const inGrid = !!target?.closest('[role="grid"]');
    // A media element with its own controls (the release preview's player) takes its own keys.
    if (target?.closest('audio, video')) return;
    switch (event.key) {
      case ' ':
        if (onButton) return;
        event.preventDefault();
        player.toggle();
        break;
      case 'ArrowLeft':
      case 'ArrowRight':
        if (onButton && target?.closest('[role="separator"]')) return;
        event.preventDefault();
        player.seekBy(event.key === 'ArrowLeft' ? -5_000 : 5_000);
        break;
      case 'ArrowUp':
      case 'ArrowDown':
        if (inGrid && !event.shiftKey) return;
        event.preventDefault();
        player.setVolume(player.volume + (event.key === 'ArrowUp' ? 0.05 : -0.05));
        break;
      case 'n':
      case 'N':
        event.preventDefault();
        player.next();
        break;
      case 'p':
      case 'P':
        event.preventDefault();
        player.previous();
        break;
      case 'm':
      case 'M':
        event.preventDefault();
        player.toggleMute();
        break;
      case '?':
        event.preventDefault();
        showHelp();
        break;
      case 'MediaPlayPause':
        player.toggle();
        break;
      case 'MediaTrackNext':
        player.next();
        break;
      case 'MediaTrackPrevious':
        player.previous();
        break;
    }
  };
  window.addEventListener('keydown', onKeyDown);
  return () => {
    window.removeEventListener('keydown', onKeyDown);
    removeHistoryKeys();
  };
}
