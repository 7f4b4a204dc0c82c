import type { CallResult, HostApi } from '../../../shared/contract';

const TOKEN_KEY = 'resonate.webHostToken';

/**
 * The web host's implementation of `window.resonate`: the same calls and
 * events as Electron's preload, carried over a WebSocket to the host on
 * 127.0.0.1. The page is opened with `?token=…`; the token is kept for the
 * tab's session and removed from the address bar.
 */
export function createWebBridge(): HostApi {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  }
  const token = sessionStorage.getItem(TOKEN_KEY) ?? '';

  const pending = new Map<number, (result: CallResult<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let retryMs = 250;

  const connect = (): Promise<WebSocket> => {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(
        `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc?token=${encodeURIComponent(token)}`,
      );
      ws.onopen = () => {
        socket = ws;
        retryMs = 250;
        resolve(ws);
      };
      ws.onmessage = (message) => {
        const data = JSON.parse(String(message.data)) as {
          id?: number;
          result?: CallResult<unknown>;
          event?: string;
          payload?: unknown;
        };
        if (typeof data.id === 'number') {
          pending.get(data.id)?.(data.result as CallResult<unknown>);
          pending.delete(data.id);
        } else if (data.event) {
          for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
        }
      };
      ws.onclose = () => {
        socket = null;
        opened = null;
        for (const [id, settle] of pending) {
          settle({
            ok: false,
            error: { code: 'unavailable', message: 'The connection to the web host closed' },
          });
          pending.delete(id);
        }
        reject(new Error('The web host refused or closed the connection'));
        // Keep events flowing after a restart of the host.
        if (listeners.size > 0)
          setTimeout(() => void connect().catch(() => undefined), (retryMs = Math.min(retryMs * 2, 5000)));
      };
    });
    return opened;
  };

  return {
    host: 'web',
    async invoke(name, input) {
      let ws: WebSocket;
      try {
        ws = socket ?? (await connect());
      } catch {
        return { ok: false, error: { code: 'unavailable', message: 'The web host is not reachable' } };
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, call: name, input }));
      });
    },
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      void connect().catch(() => undefined);
      return () => set.delete(listener);
    },
  };
}
