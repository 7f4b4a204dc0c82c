import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ApiError, zodIssues } from './errors';
import { authenticate, type AuthenticatedUser } from '../accounts/sessions';
import type { ServerContext } from '../context';

export type Access = 'public' | 'user' | 'admin';

/**
 * One HTTP route: its schemas (zod) are both the runtime validation and the
 * OpenAPI description, so the two can't drift. `defineRoutes` registers the
 * handler with Fastify and keeps the spec for `GET /v1/openapi.json`.
 */
export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  tag: string;
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  /** Shape of the 2xx JSON answer, for the OpenAPI document. */
  response?: z.ZodType;
  /** Non-JSON answers (CSV, audio). */
  produces?: string[];
  successStatus?: number;
  /** Per-route rate limit (sign-in, sign-up). */
  rateLimit?: { max: number; timeWindow: number };
  handler: (input: {
    body: z.infer<B>;
    query: z.infer<Q>;
    params: z.infer<P>;
    user: AuthenticatedUser;
    request: FastifyRequest;
    reply: FastifyReply;
  }) => Promise<unknown>;
}

export type AnyRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

/** Helper so each route's handler is typed from its own schemas. */
export function route<
  B extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
>(spec: RouteSpec<B, Q, P>): AnyRoute {
  return spec as unknown as AnyRoute;
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
  for (const spec of routes) {
    app.route({
      method: spec.method,
      url: spec.url,
      config: spec.rateLimit ? { rateLimit: spec.rateLimit } : {},
      handler: async (request, reply) => {
        let user = ANONYMOUS;
        if (spec.access !== 'public') {
          user = await authenticate(ctx, request.headers.authorization);
          if (spec.access === 'admin' && user.role !== 'admin') {
            throw new ApiError(403, 'forbidden', 'admin only');
          }
        }
        const params = parsePart(spec.params, request.params, 'path parameters');
        const query = parsePart(spec.query, request.query, 'query');
        const body = parsePart(spec.body, request.body, 'body');
        const result = await spec.handler({ body, query, params, user, request, reply });
        if (reply.sent) return reply;
        if (spec.successStatus) void reply.status(spec.successStatus);
        return result ?? reply.status(204).send();
      },
    });
  }
}
