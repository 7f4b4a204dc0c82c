import { useEffect } from 'react';
import { api } from '../api/client';
import { usePlayer } from './store';

/** Playback commands from the app menu and the tray (`app.command`), applied to the player. */
export function usePlayerCommands(): void {
  useEffect(
    () =>
      api.on('app.command', ({ command }) => {
        const player = usePlayer.getState();
        if (command === 'togglePlay') player.toggle();
        else if (command === 'next') player.next();
        else if (command === 'previous') player.previous();
        else player.pause();
      }),
    [],
  );
}
