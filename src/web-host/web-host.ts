import fastifyStatic from '@fastify/static';
import Conf from 'conf';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { WebSocketServer, type WebSocket } from 'ws';
import { fileResponse } from '../node/file-range';
import { remoteRangeResponse } from '../node/remote-range';
import { isRemoteMedia, RANGE_REFUSED, rangeWithinLimit } from '../main/services/media/media-router';
import {
  createAppServices,
  type AppServices,
  type AppServicesOptions,
  type HostAdapter,
} from '../main/services/app-services';
import { systemClock, type Clock } from '../main/services/core/clock';
import { closeInTurn } from '../main/services/core/close-in-turn';
import type { Logger } from '../main/services/core/logger';
import { clientMessageSchema, MAX_MESSAGE_BYTES, type ServerMessage } from './protocol';

export interface WebHostOptions {
  dataDir: string;
  /** The built renderer (`out/renderer`). */
  rendererDir: string;
  port?: number;
  /** Fixed token for tests; random per run otherwise. */
  token?: string;
  clock?: Clock;
  logger: Logger;
  appVersion: string;
  /** Tests: the sync engine's network and pace (`AppServicesOptions.sync`). */
  sync?: AppServicesOptions['sync'];
}

export interface WebHost {
  url: string;
  /** The address to open, with the token that lets the page call the host. */
  openUrl: string;
  token: string;
  services: AppServices;
  close(): Promise<void>;
}

/**
 * Serves the built renderer and the same services Electron's main process
 * runs, to a browser on this machine: calls and events over a WebSocket,
 * media over HTTP with Range. Binds to 127.0.0.1 only. Every call and media
 * request must carry this run's random token, and must come from our own
 * origin (Host and Origin checked), so other local pages — and DNS-rebinding
 * pages — cannot use it.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  // forceCloseConnections: closing the host ends every open connection (a media stream, a keep-alive socket)
  // instead of waiting for the browser to let go of it.
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });
  let origin = '';

  const host: HostAdapter = {
    kind: 'web',
    pickFolder: async () => null,
    mediaUrl: (mediaPath) => `/media/${mediaPath}?token=${encodeURIComponent(token)}`,
  };
  const settingsBackend = new Conf<Record<string, unknown>>({
    cwd: options.dataDir,
    configName: 'settings',
    projectName: 'resonate',
  });
  const services = createAppServices({
    dataDir: options.dataDir,
    clock: options.clock ?? systemClock,
    logger: options.logger,
    settingsBackend,
    host,
    appVersion: options.appVersion,
    // Loaded only when needed: the server's store is not part of a start-up that uses a remote server.
    startBundledServer: async (dir) => (await import('../server/bundled')).startBundledServer(dir),
    sync: options.sync,
  });

  const tokenMatches = (candidate: unknown): boolean => {
    if (typeof candidate !== 'string') return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  const hostMatches = (hostHeader: string | undefined): boolean => hostHeader === new URL(origin).host;

  app.addHook('onRequest', async (request, reply) => {
    if (!hostMatches(request.headers.host)) {
      await reply.code(421).send('Wrong host');
    }
  });

  app.get<{ Params: { '*': string }; Querystring: { token?: string } }>(
    '/media/*',
    async (request, reply) => {
      if (!tokenMatches(request.query.token)) return reply.code(403).send('Forbidden');
      const media = await services.media.resolveSource(request.params['*']);
      if (!media) return reply.code(404).send('Not found');
      // An uncounted preview is served only up to its cap (docs/listening-guard.md).
      const range = rangeWithinLimit(media, request.headers.range);
      if (range === RANGE_REFUSED) return reply.code(416).header('Cache-Control', 'no-store').send('');
      if (isRemoteMedia(media)) {
        // The token is added upstream here; the browser leaving (seek, close) aborts the upstream request.
        const left = new AbortController();
        reply.raw.once('close', () => {
          if (!reply.raw.writableFinished) left.abort();
        });
        const remote = await remoteRangeResponse(media, range, { signal: left.signal });
        reply.code(remote.status).headers(remote.headers);
        return reply.send(remote.body ? Readable.fromWeb(remote.body as NodeReadableStream<Uint8Array>) : '');
      }
      const answer = await fileResponse(media.file, media.contentType, range);
      reply.code(answer.status).headers(answer.headers);
      return reply.send(answer.body ?? '');
    },
  );

  if (existsSync(options.rendererDir)) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: 'index.html' });
  } else {
    app.get('/', async (_request, reply) =>
      reply.code(503).type('text/plain').send('The renderer is not built. Run `npm run build` first.'),
    );
  }

  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
  });
  // Without listeners these 'error' events would be thrown and end the process.
  sockets.on('error', (error) => options.logger.warn(`web host: WebSocket server error: ${error.message}`));
  app.server.on('upgrade', (request, socket, head) => {
    // A connection reset during the handshake concerns that connection only.
    socket.on('error', () => socket.destroy());
    const url = new URL(request.url ?? '/', origin);
    const allowed =
      url.pathname === '/rpc' &&
      hostMatches(request.headers.host) &&
      request.headers.origin === origin &&
      tokenMatches(url.searchParams.get('token'));
    if (!allowed) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveRenderer(ws, services));
  });

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    openUrl: `${origin}/?token=${encodeURIComponent(token)}`,
    token,
    services,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await closeInTurn([{ name: 'web host HTTP server', run: () => app.close() }], options.logger);
      await services.close();
    },
  };
}

/** One renderer connection: calls in, answers and events out. */
function serveRenderer(ws: WebSocket, services: AppServices): void {
  const send = (message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = services.events.subscribe((event, payload) => send({ event, payload }));
  ws.on('close', unsubscribe);
  // A frame that breaks the protocol (too big, not UTF-8, RSV bits, unmasked,
  // reserved opcode, impossible length) makes ws close this socket with the
  // code RFC 6455 gives (1009, 1007, 1002) and then emit 'error'. Unheard,
  // that error would be thrown and end the host with all its services; it
  // concerns this page's socket only.
  ws.on('error', (error) => {
    services.logger.warn(
      `web host: closed a renderer socket that broke the WebSocket protocol: ${error.message}`,
    );
  });
  ws.on('message', async (data, isBinary) => {
    let raw: unknown;
    try {
      raw = isBinary ? undefined : JSON.parse(String(data));
    } catch {
      raw = undefined;
    }
    const message = clientMessageSchema.safeParse(raw);
    if (!message.success) {
      services.logger.warn('web host: dropped a malformed message');
      return;
    }
    try {
      const result = await services.dispatch(message.data.call, message.data.input);
      send({ id: message.data.id, result });
    } catch (error) {
      // The dispatcher answers every failure as an envelope; this is a bug, logged, not a crash.
      services.logger.error(`web host: call ${message.data.call} threw: ${(error as Error).message}`);
      send({
        id: message.data.id,
        result: { ok: false, error: { code: 'internal', message: 'the call failed' } },
      });
    }
  });
}
