import { BrowserWindow, shell, screen } from 'electron';
import { join } from 'node:path';
import type { SettingsService } from '../services/settings/settings-service';

/**
 * The main window with Electron's security checklist applied: context
 * isolation, sandbox, no Node in the renderer, no navigation away, no new
 * windows (links open in the OS browser), and no permissions beyond audio.
 */
export function createMainWindow(
  settings: SettingsService,
  rendererUrl: string | null,
  rendererFile: string,
) {
  const bounds = visibleBounds(settings.get().windowBounds);
  const window = new BrowserWindow({
    ...bounds,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Resonate',
    backgroundColor: '#16161a',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  if (settings.get().windowBounds.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.session.setPermissionRequestHandler((_contents, permission, grant) =>
    grant(permission === 'media' || permission === 'fullscreen'),
  );

  const saveBounds = () => {
    if (window.isDestroyed()) return;
    const { x, y, width, height } = window.getNormalBounds();
    settings.update({ windowBounds: { x, y, width, height, maximized: window.isMaximized() } });
  };
  window.on('close', saveBounds);

  if (rendererUrl) void window.loadURL(rendererUrl);
  else void window.loadFile(rendererFile);
  return window;
}

/** Restores saved bounds only if they are still on a connected display. */
function visibleBounds(saved: {
  x?: number | undefined;
  y?: number | undefined;
  width: number;
  height: number;
}) {
  const { width, height } = saved;
  if (saved.x === undefined || saved.y === undefined) return { width, height };
  const onScreen = screen
    .getAllDisplays()
    .some(
      ({ workArea }) =>
        saved.x! >= workArea.x - 50 &&
        saved.y! >= workArea.y - 50 &&
        saved.x! < workArea.x + workArea.width &&
        saved.y! < workArea.y + workArea.height,
    );
  return onScreen ? { x: saved.x, y: saved.y, width, height } : { width, height };
}
