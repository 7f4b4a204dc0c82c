import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { PlayerCommand } from '../../shared/contract/app';

type Send = (command: PlayerCommand) => void;

/**
 * Playback commands in the menu bar and the tray. They are pushed to the
 * renderer as `app.command` events, so the player logic stays in one place
 * (the renderer's player store) whichever host runs it. Space and the
 * arrow keys are handled in the page itself.
 */
function playbackItems(send: Send): MenuItemConstructorOptions[] {
  return [
    { label: 'Play/Pause', accelerator: 'CmdOrCtrl+P', click: () => send('togglePlay') },
    { label: 'Next', accelerator: 'CmdOrCtrl+Right', click: () => send('next') },
    { label: 'Previous', accelerator: 'CmdOrCtrl+Left', click: () => send('previous') },
    { label: 'Stop', accelerator: 'CmdOrCtrl+.', click: () => send('stop') },
  ];
}

export function buildAppMenu(send: Send): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'Playback', submenu: playbackItems(send) },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}

/** A tray icon with the playback commands; `show` brings the window back. */
export function createTray(iconFile: string, send: Send, show: () => void): Tray | null {
  const icon = nativeImage.createFromPath(iconFile);
  if (icon.isEmpty()) return null;
  const tray = new Tray(icon.resize({ width: 16, height: 16 }));
  tray.setToolTip('Resonate');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show Resonate', click: show },
      { type: 'separator' },
      ...playbackItems(send),
      { type: 'separator' },
      { role: 'quit' },
    ]),
  );
  tray.on('click', show);
  return tray;
}
