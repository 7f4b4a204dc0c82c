import { app, dialog, Menu, session, type BrowserWindow, type Tray } from 'electron';
import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PlayerCommand } from '../shared/contract/app';
import { formatCredits } from '../shared/pricing';
import { createAppServices, type AppServices } from './services/app-services';
import { systemClock } from './services/core/clock';
import { createLogger } from './services/core/logger';
import { forwardEvents, registerIpc } from './electron/ipc';
import { handleMediaProtocol, mediaUrl, registerMediaScheme } from './electron/media-protocol';
import { osKeyProtector } from './electron/key-protector';
import { buildAppMenu, createTray } from './electron/menu';
import { createMainWindow } from './electron/window';

/**
 * The Electron adapter: the only code that imports `electron`. It builds the
 * same services the web host builds, and connects them to a window, IPC, the
 * media protocol and the menu. Everything else lives in `./services`.
 */
const logger = createLogger({ name: 'main' });

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerMediaScheme();
  let services: AppServices | undefined;
  let mainWindow: BrowserWindow | undefined;
  let tray: Tray | null = null;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.whenReady().then(
    () => {
      const rendererDevUrl = process.env.ELECTRON_RENDERER_URL ?? null;
      const rendererFile = join(import.meta.dirname, '../renderer/index.html');
      const trustedPrefix = rendererDevUrl ?? pathToFileURL(rendererFile).href;
      try {
        services = createAppServices({
          dataDir: app.getPath('userData'),
          clock: systemClock,
          logger,
          settingsBackend: new ElectronStore({ name: 'settings' }) as unknown as {
            store: Record<string, unknown>;
          },
          host: {
            kind: 'electron',
            mediaUrl,
            async pickFolder(title) {
              const options = {
                title: title ?? 'Add a music folder',
                properties: ['openDirectory' as const],
              };
              const result = mainWindow
                ? await dialog.showOpenDialog(mainWindow, options)
                : await dialog.showOpenDialog(options);
              return result.canceled ? null : (result.filePaths[0] ?? null);
            },
            // The main process's own dialog: a compromised renderer cannot click it (issue 11.7).
            async confirmPurchase({ kind, title, priceThousandths }) {
              const options = {
                type: 'question' as const,
                buttons: ['Buy', 'Cancel'],
                defaultId: 1,
                cancelId: 1,
                title: 'Confirm purchase',
                message: `Buy ${kind === 'release' ? 'the release' : 'the rest of'} “${title}” for ${formatCredits(priceThousandths)} credits?`,
                detail: 'The credits leave your wallet and the tracks are yours to keep.',
              };
              const { response } = mainWindow
                ? await dialog.showMessageBox(mainWindow, options)
                : await dialog.showMessageBox(options);
              return response === 0;
            },
          },
          appVersion: app.getVersion(),
          keyProtector: osKeyProtector(),
          // Loaded only when needed: Fastify and the server's store are not part of a start-up that uses a remote server.
          startBundledServer: async (dir) => (await import('../server/bundled')).startBundledServer(dir),
        });
      } catch (error) {
        dialog.showErrorBox(
          'Resonate could not start',
          error instanceof Error ? error.message : String(error),
        );
        app.exit(1);
        return;
      }
      // Strict CSP for everything the app loads (the page also carries it as a meta tag).
      session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
        callback({
          responseHeaders: {
            ...details.responseHeaders,
            'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
          },
        });
      });
      handleMediaProtocol(services);
      registerIpc(services, (url) => url.startsWith(trustedPrefix));
      const send = (command: PlayerCommand) => services?.events.emit('app.command', { command });
      Menu.setApplicationMenu(buildAppMenu(send));
      mainWindow = createMainWindow(services.settings, rendererDevUrl, rendererFile);
      forwardEvents(services, mainWindow.webContents);
      tray = createTray(join(import.meta.dirname, '../../resources/icon.png'), send, () => {
        mainWindow?.show();
        mainWindow?.focus();
      });
    },
    (error: unknown) => logger.error({ err: error }, 'app failed to start'),
  );

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Quitting waits for the services to close (downloads stopped, the database closed cleanly); closeInTurn
  // bounds each part, so a part that hangs delays the quit by seconds, never forever.
  let closed = false;
  app.on('will-quit', (event) => {
    tray?.destroy();
    if (!services || closed) return;
    closed = true;
    event.preventDefault();
    void services.close().finally(() => app.exit(0));
  });
}

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: resonate-media:",
  "media-src 'self' resonate-media:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
