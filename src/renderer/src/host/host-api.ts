import type { HostApi } from '../../../shared/contract';
import { createWebBridge } from './web-bridge';

declare global {
  interface Window {
    /** Provided by Electron's preload; absent in a plain browser. */
    resonate?: HostApi;
  }
}

/** The renderer's one way out: Electron's preload if present, else the web host. */
export const hostApi: HostApi = window.resonate ?? createWebBridge();
