import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { buildServer, type BuiltServer } from '../../../src/server/app';
import { allRouteSpecs, impliedErrors, type ServerRouteSpec } from '../../../src/shared/server-api';

/**
 * The wire contract (docs/architecture.md, "The wire contract") against a
 * real built server: every spec is a registered route, every registered
 * route is a spec (or deliberately not, on the allow-list below), and the
 * OpenAPI document describes every spec with its error codes.
 */

interface Registered {
  method: string;
  url: string;
  rateLimited: boolean;
}

/**
 * What each Fastify instance registered, seen through an `onRoute` hook
 * added the moment the instance is created (before buildServer registers
 * anything), so a route added any way at all (app.get, a plugin, app.route)
 * is seen, not only those that go through `registerRoutes`.
 */
const seen = vi.hoisted(() => new Map<object, Registered[]>());
vi.mock('fastify', async (importOriginal) => {
  const original = await importOriginal<{ default: (...args: unknown[]) => FastifyInstance }>();
  const create = original.default;
  const withRouteLog = (...args: unknown[]): FastifyInstance => {
    const app = create(...args);
    const routes: Registered[] = [];
    seen.set(app, routes);
    app.addHook('onRoute', (route: RouteOptions) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const rateLimited = Boolean((route.config as { rateLimit?: unknown } | undefined)?.rateLimit);
      for (const method of methods) routes.push({ method, url: route.url, rateLimited });
    });
    return app;
  };
  return { ...original, default: withRouteLog, fastify: withRouteLog };
});

/**
 * Routes a server may register without a spec of their own, each with why.
 * Keyed `METHOD path` as Fastify has them. Empty today: every route,
 * including the app's own node's /v1/local-admin routes and the log's tile
 * files (/v1/log/tile/*), has a spec. Something added here is left out of
 * OpenAPI and of the app's client on purpose; say why next to it.
 */
const NON_SPEC_ROUTES: Record<string, string> = {};

const keyOf = (method: string, path: string) => `${method} ${path}`;

/** The registered routes that are neither a spec nor allowed without one, as `METHOD path`. */
function routesWithoutSpec(specs: readonly ServerRouteSpec[], registered: readonly Registered[]): string[] {
  const specKeys = new Set(specs.map((s) => keyOf(s.method, s.path)));
  const getUrls = new Set(registered.filter((r) => r.method === 'GET').map((r) => r.url));
  return registered
    .filter((r) => {
      const key = keyOf(r.method, r.url);
      if (specKeys.has(key) || key in NON_SPEC_ROUTES) return false;
      // Fastify's exposeHeadRoutes: every GET also answers HEAD (its handler, no body), unless
      // a spec registers its own HEAD first (the upload offset). The GET itself is checked.
      return !(r.method === 'HEAD' && getUrls.has(r.url));
    })
    .map((r) => keyOf(r.method, r.url));
}

/** The specs no registered route implements, as `METHOD path`. */
function specsNotRegistered(specs: readonly ServerRouteSpec[], registered: readonly Registered[]): string[] {
  const registeredKeys = new Set(registered.map((r) => keyOf(r.method, r.url)));
  return specs.map((s) => keyOf(s.method, s.path)).filter((key) => !registeredKeys.has(key));
}

/** The codes OpenAPI must list for a spec: its own and those its kind implies (the rate limit where configured). */
function expectedErrorCodes(spec: ServerRouteSpec, registered: readonly Registered[]): string[] {
  const rateLimited = registered.some(
    (r) => r.method === spec.method && r.url === spec.path && r.rateLimited,
  );
  return [...new Set([...spec.errors, ...impliedErrors(spec, rateLimited)])].sort();
}

const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

type OpenApiDocument = { paths: Record<string, Record<string, { 'x-error-codes'?: string[] }>> };

/** Each spec OpenAPI leaves out or lists with other error codes, with what differs. */
function openApiMismatches(
  specs: readonly ServerRouteSpec[],
  paths: OpenApiDocument['paths'],
  registered: readonly Registered[],
): string[] {
  return specs.flatMap((spec) => {
    const operation = paths[openApiPath(spec.path)]?.[spec.method.toLowerCase()];
    const key = keyOf(spec.method, spec.path);
    if (!operation) return [`${key}: not in OpenAPI`];
    const listed = [...(operation['x-error-codes'] ?? [])].sort().join(',');
    const expected = expectedErrorCodes(spec, registered).join(',');
    return listed === expected ? [] : [`${key}: x-error-codes [${listed}] ≠ [${expected}]`];
  });
}

/** The operations OpenAPI describes that no spec declares, as `METHOD path` (Fastify syntax). */
function openApiOperationsWithoutSpec(specs: readonly ServerRouteSpec[], paths: OpenApiDocument['paths']) {
  const specKeys = new Set(specs.map((s) => keyOf(s.method, openApiPath(s.path))));
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .map((method) => keyOf(method.toUpperCase(), path))
      .filter((key) => !specKeys.has(key))
      .map((key) => key.replace(/\{([A-Za-z]+)\}/g, ':$1')),
  );
}

const TEST_CONFIG = {
  passwordHashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
  signatureWorkers: 0,
};

async function serverAndRoutes(
  dataDir: string,
  localAdmin: boolean,
): Promise<{ server: BuiltServer; registered: Registered[] }> {
  const server = await buildServer({
    dataDir,
    logLevel: 'silent',
    config: TEST_CONFIG,
    // The app's own node: the only server that has the /v1/local-admin routes.
    ...(localAdmin ? { localAdmin: { tokenFile: join(dataDir, 'local-admin-token') } } : {}),
  });
  await server.app.ready();
  const registered = seen.get(server.app);
  if (!registered) throw new Error('the Fastify factory was not wrapped: no routes seen');
  return { server, registered };
}

describe('the wire contract against a built server', () => {
  const specs = allRouteSpecs();
  let dataDir: string;
  let server: BuiltServer;
  let registered: Registered[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'resonate-contract-'));
    ({ server, registered } = await serverAndRoutes(dataDir, true));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has one spec per method and path', () => {
    const keys = specs.map((s) => keyOf(s.method, s.path));
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });

  it('registers every spec with its method and path', () => {
    expect(registered.length).toBeGreaterThan(0);
    expect(specsNotRegistered(specs, registered)).toEqual([]);
  });

  it('registers no route without a spec, except the commented allow-list', () => {
    expect(routesWithoutSpec(specs, registered)).toEqual([]);
    // Each allowed route is really there: an entry for a route that went away is stale.
    for (const key of Object.keys(NON_SPEC_ROUTES))
      expect(registered.map((r) => keyOf(r.method, r.url))).toContain(key);
  });

  it('names the route when its spec is missing from the list, and the spec when its route is', () => {
    const left = specs.find((s) => s.path === '/v1/devices/:id/revoke')!;
    const others = specs.filter((s) => s !== left);
    expect(routesWithoutSpec(others, registered)).toEqual(['POST /v1/devices/:id/revoke']);
    const withoutRoute = registered.filter((r) => r.url !== left.path);
    expect(specsNotRegistered(specs, withoutRoute)).toEqual(['POST /v1/devices/:id/revoke']);
  });

  it('describes every spec in OpenAPI with its x-error-codes, and nothing else', async () => {
    const answer = await server.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(answer.statusCode).toBe(200);
    const { paths } = answer.json() as OpenApiDocument;
    expect(openApiMismatches(specs, paths, registered)).toEqual([]);
    expect(openApiOperationsWithoutSpec(specs, paths)).toEqual([]);
  });

  it('names the spec whose error codes OpenAPI does not list, and the operation without a spec', async () => {
    const { paths } = (await server.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    const signOut = specs.find((s) => s.path === '/v1/auth/sign-out')!;
    const changed = { ...signOut, errors: ['session_expired'] };
    expect(openApiMismatches([changed], paths, registered)).toEqual([
      'POST /v1/auth/sign-out: x-error-codes [unauthenticated] ≠ [session_expired,unauthenticated]',
    ]);
    expect(
      openApiOperationsWithoutSpec(
        specs.filter((s) => s !== signOut),
        paths,
      ),
    ).toEqual(['POST /v1/auth/sign-out']);
  });

  it('lists the rate limit among the codes of the routes that have one (sign-in, sign-up)', async () => {
    const limited = registered.filter((r) => r.rateLimited).map((r) => keyOf(r.method, r.url));
    expect(limited.sort()).toEqual(['POST /v1/auth/sign-in', 'POST /v1/auth/sign-up']);
    const paths = (await server.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json().paths;
    expect(paths['/v1/auth/sign-in'].post['x-error-codes']).toContain('rate_limited');
    expect(paths['/v1/me'].get['x-error-codes']).not.toContain('rate_limited');
  });
});

describe('a server that is not the app’s own node', () => {
  it('registers no /v1/local-admin route (an admin could be claimed, a folder imported)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'resonate-contract-'));
    const { server, registered } = await serverAndRoutes(dataDir, false);
    try {
      expect(registered.filter((r) => r.url.startsWith('/v1/local-admin'))).toEqual([]);
      const localAdminSpecs = allRouteSpecs().filter((s) => s.path.startsWith('/v1/local-admin'));
      expect(localAdminSpecs.length).toBe(3);
      const others = allRouteSpecs().filter((s) => !localAdminSpecs.includes(s));
      expect(specsNotRegistered(others, registered)).toEqual([]);
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
