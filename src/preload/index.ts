import { contextBridge, ipcRenderer } from 'electron';
import { isCallName, isEventName, type HostApi } from '../shared/contract';
import { callChannel, eventChannel } from '../shared/contract/channels';

/**
 * Exposes exactly the contract to the renderer as `window.resonate`: a call
 * or event name outside the contract is refused here, before any IPC. The
 * renderer gets no ipcRenderer, no Node, and no way to name a channel of its
 * own.
 */
const api: HostApi = {
  host: 'electron',
  invoke(name, input) {
    if (!isCallName(name)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'unknown_call', message: `No such call: ${String(name)}` },
      });
    }
    return ipcRenderer.invoke(callChannel(name), input);
  },
  on(name, listener) {
    if (!isEventName(name)) throw new Error(`No such event: ${String(name)}`);
    const channel = eventChannel(name);
    const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('resonate', api);
