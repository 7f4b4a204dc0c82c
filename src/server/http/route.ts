import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { BodyOut, ParamsOut, QueryOut, ServerRouteSpec } from '../../shared/server-api/define';
import { ApiError, zodIssues } from './errors';
import { authenticate, type AuthenticatedUser } from '../accounts/sessions';
import type { ServerContext } from '../context';

export type { Access } from '../../shared/server-api/define';

/** What a handler gets: the parsed inputs (typed from its spec), the caller, and Fastify's request and reply. */
export interface HandlerInput<S extends ServerRouteSpec> {
  body: BodyOut<S>;
  query: QueryOut<S>;
  params: ParamsOut<S>;
  user: AuthenticatedUser;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One HTTP route as the server runs it: a shared spec
 * (src/shared/server-api, the wire contract the app's client uses too) and
 * its handler. The spec's zod schemas are both the runtime validation and
 * the OpenAPI description, so the two can't drift.
 */
export interface AnyRoute {
  spec: ServerRouteSpec;
  /** The schemas requests are parsed with: the spec's, or the spec's narrowed by this server's config. */
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Per-route rate limit (sign-in, sign-up). */
  rateLimit?: { max: number; timeWindow: number };
  handler: (input: HandlerInput<ServerRouteSpec>) => Promise<unknown>;
}

export interface Implementation<S extends ServerRouteSpec> {
  rateLimit?: { max: number; timeWindow: number };
  /**
   * This server's stricter limits on the spec's body (from its config, e.g.
   * the receipts per batch); the same input shape, so clients are unaffected.
   */
  narrowBody?: (body: NonNullable<S['body']>) => z.ZodType<BodyOut<S>>;
  handler: (input: HandlerInput<S>) => Promise<unknown>;
}

/** Registers a shared spec with its handler, typed from the spec's schemas. */
export function implement<const S extends ServerRouteSpec>(spec: S, how: Implementation<S>): AnyRoute {
  return {
    spec,
    params: spec.params,
    query: spec.query,
    body: spec.body && how.narrowBody ? how.narrowBody(spec.body as NonNullable<S['body']>) : spec.body,
    rateLimit: how.rateLimit,
    handler: how.handler as AnyRoute['handler'],
  };
}

function parsePart(schema: z.ZodType | undefined, value: unknown, part: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (!parsed.success) {
    throw new ApiError(400, 'invalid_input', `invalid ${part}`, zodIssues(parsed.error));
  }
  return parsed.data;
}

const ANONYMOUS: AuthenticatedUser = { id: '', email: '', role: 'listener', sessionHash: '' };

export function registerRoutes(app: FastifyInstance, ctx: ServerContext, routes: AnyRoute[]): void {
  for (const route of routes) {
    const { spec } = route;
    app.route({
      method: spec.method,
      url: spec.path,
      config: route.rateLimit ? { rateLimit: route.rateLimit } : {},
      handler: async (request, reply) => {
        let user = ANONYMOUS;
        if (spec.access !== 'public') {
          user = await authenticate(ctx, request.headers.authorization);
          if (spec.access === 'admin' && user.role !== 'admin') {
            throw new ApiError(403, 'forbidden', 'admin only');
          }
        }
        const params = parsePart(route.params, request.params, 'path parameters');
        const query = parsePart(route.query, request.query, 'query');
        const body = parsePart(route.body, request.body, 'body');
        const result = await route.handler({
          body,
          query,
          params,
          user,
          request,
          reply,
        } as HandlerInput<ServerRouteSpec>);
        if (reply.sent) return reply;
        if (spec.successStatus) void reply.status(spec.successStatus);
        return result ?? reply.status(204).send();
      },
    });
  }
}
