import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { resolveConfig, systemClock, type ConfigOverrides, type ServerClock } from './config';
import { openStore, type Store, type StoreOptions } from './db/connect';
import { errorHandler } from './http/errors';
import { registerInputGuard } from './http/input-guard';
import { databaseRateLimitStore } from './http/rate-limit-store';
import { implement, registerRoutes, type AnyRoute } from './http/route';
import { meta } from '../shared/server-api';
import { accountRoutes } from './accounts/routes';
import { adminUserRoutes } from './accounts/admin-users';
import { localAdminRoutes, prepareLocalAdmin, type LocalAdminOptions } from './accounts/local-admin';
import { deviceRoutes } from './devices/routes';
import { catalogRoutes } from './catalog/routes';
import { creditRoutes } from './credits/routes';
import { readModelRoutes } from './readmodels/routes';
import { syncRoutes } from './sync/routes';
import { OFFSET_CONTENT_TYPE, publishingRoutes } from './publishing/routes';
import { openApiDocument } from './openapi';
import type { ServerContext } from './context';
import { SignaturePool, defaultPoolSize } from './settlement/signature-pool';
import { LruCache } from './lru';
import { TransparencyLog } from './tlog/log';
import { tlogRoutes } from './tlog/routes';

export const SERVER_API_VERSION = '1.0.0';

export interface ServerOptions {
  /** Where SQLite lives (when no databaseUrl) and where uploaded audio goes (`<dataDir>/media`). */
  dataDir: string;
  /** postgres://… to use PostgreSQL instead of the embedded SQLite. */
  databaseUrl?: string;
  config?: ConfigOverrides;
  clock?: ServerClock;
  /** pino level; 'silent' for tests. */
  logLevel?: string;
  /** The app's own node only (src/server/bundled.ts): the first-admin token and import from a local folder. */
  localAdmin?: LocalAdminOptions;
}

export interface BuiltServer {
  app: FastifyInstance;
  ctx: ServerContext;
  /** This instance's view of the transparency log (docs/transparency-log.md). */
  tlog: TransparencyLog;
  close(): Promise<void>;
}

export function storeOptionsOf(options: Pick<ServerOptions, 'dataDir' | 'databaseUrl'>): StoreOptions {
  return options.databaseUrl
    ? { kind: 'postgres', databaseUrl: options.databaseUrl }
    : { kind: 'sqlite', dataDir: options.dataDir };
}

/** Opens the store (running migrations) and builds the Fastify app, not listening yet. */
export async function buildServer(options: ServerOptions, openedStore?: Store): Promise<BuiltServer> {
  const config = resolveConfig(options.config);
  const store = openedStore ?? (await openStore(storeOptionsOf(options)));
  const app = Fastify({
    bodyLimit: config.bodyLimitBytes,
    logger: {
      level: options.logLevel ?? 'info',
      // Never log secrets: tokens, passwords, voucher codes.
      redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.code'],
    },
  });
  const signatures = new SignaturePool({
    size: config.signatureWorkers ?? defaultPoolSize(),
    onWorkerError: (error) =>
      app.log.error(
        { err: error },
        'signature worker failed; its signatures were verified on the main thread',
      ),
  });
  const ctx: ServerContext = {
    store,
    config,
    clock: options.clock ?? systemClock,
    mediaDir: join(options.dataDir, 'media'),
    log: app.log,
    signatures,
    deviceKeys: new LruCache(20_000),
  };
  const tlog = new TransparencyLog(ctx);
  await tlog.start();
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    });
  });
  // Only routes that ask for it (sign-in, sign-up) are limited. The counters
  // are in the database, so the limit holds across all instances.
  await app.register(rateLimit, { global: false, store: databaseRateLimitStore(ctx) });
  // Upload chunks reach their handler as the raw stream: written to disk as
  // they arrive, never buffered whole (the handler enforces the chunk limit).
  app.addContentTypeParser(OFFSET_CONTENT_TYPE, (_request, payload, done) => done(null, payload));
  // No NUL or lone surrogate reaches a handler (PostgreSQL cannot store them);
  // receipts are checked one by one by the settlement, so one bad receipt
  // is rejected alone.
  registerInputGuard(app, { perItemArrays: { '/v1/receipts': ['receipts'] } });
  const routes: AnyRoute[] = [
    ...accountRoutes(ctx),
    ...adminUserRoutes(ctx),
    ...(options.localAdmin
      ? localAdminRoutes(ctx, options.localAdmin, await prepareLocalAdmin(ctx, options.localAdmin))
      : []),
    ...deviceRoutes(ctx),
    ...catalogRoutes(ctx),
    ...creditRoutes(ctx),
    ...readModelRoutes(ctx, tlog),
    ...syncRoutes(ctx),
    ...publishingRoutes(ctx),
    ...tlogRoutes(ctx, tlog),
  ];
  const all: AnyRoute[] = [
    ...routes,
    implement(meta.openApi, {
      handler: async (): Promise<unknown> => openApiDocument(all, SERVER_API_VERSION),
    }),
    implement(meta.health, {
      handler: async () => ({ ok: true, store: store.kind, version: SERVER_API_VERSION }),
    }),
  ];
  registerRoutes(app, ctx, all);
  return {
    app,
    ctx,
    tlog,
    close: async () => {
      await app.close();
      await tlog.stop();
      await signatures.close();
      if (!openedStore) await store.close();
    },
  };
}

/** Builds the server and listens; `port: 0` picks a free port. */
export async function startServer(
  options: ServerOptions & { port: number; host?: string },
): Promise<BuiltServer & { url: string; port: number }> {
  const built = await buildServer(options);
  // A listening server will settle receipts: start the signature workers now, not on the first batch.
  void built.ctx.signatures.warmUp();
  await built.app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  const address = built.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { ...built, url: `http://${options.host ?? '127.0.0.1'}:${port}`, port };
}
