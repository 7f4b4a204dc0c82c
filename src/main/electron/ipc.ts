import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { callNames } from '../../shared/contract';
import { callChannel, eventChannel } from '../../shared/contract/channels';
import type { AppServices } from '../services/app-services';

/**
 * One handler per contract call. Each checks that the call comes from our
 * own renderer's top frame (not an iframe, not a page we navigated to by
 * mistake) and passes the raw input to the services' dispatcher, which
 * validates it against the contract.
 */
export function registerIpc(services: AppServices, isTrustedUrl: (url: string) => boolean): () => void {
  for (const name of callNames) {
    ipcMain.handle(callChannel(name), async (event: IpcMainInvokeEvent, input: unknown) => {
      const frame = event.senderFrame;
      if (!frame || frame !== event.sender.mainFrame || !isTrustedUrl(frame.url)) {
        services.logger.warn({ call: name, url: frame?.url }, 'refused a call from an untrusted frame');
        return {
          ok: false,
          error: { code: 'forbidden', message: 'Calls are only accepted from the app window' },
        };
      }
      return services.dispatch(name, input);
    });
  }
  return () => {
    for (const name of callNames) ipcMain.removeHandler(callChannel(name));
  };
}

/** Forwards every service event to a window for as long as it lives. */
export function forwardEvents(services: AppServices, contents: WebContents): void {
  const unsubscribe = services.events.subscribe((name, payload) => {
    if (!contents.isDestroyed()) contents.send(eventChannel(name), payload);
  });
  contents.once('destroyed', unsubscribe);
}
