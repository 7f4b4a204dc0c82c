import type { z } from 'zod';

/**
 * One route of the sync server's HTTP API, as both sides see it: the server
 * registers its handler against it (src/server/http/route.ts `implement`) and
 * describes it in `GET /v1/openapi.json`; the app's client
 * (src/main/services/sync/api-client.ts `request`) fills its path, sends the
 * body and parses the answer with the same schemas. No handler, no Fastify,
 * nothing Node-only: this file runs everywhere (the way src/shared/contract
 * serves IPC).
 */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Access = 'public' | 'user' | 'admin';

export interface ServerRouteSpec {
  method: HttpMethod;
  /** Fastify syntax: `/v1/tracks/:id/buy`; `*` for a wildcard tail. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Shape of the 2xx JSON answer. */
  answer?: z.ZodType;
  /** Non-JSON answers (CSV, audio, notes). */
  produces?: readonly string[];
  successStatus?: number;
  /**
   * The `error.code`s this route's own handler may answer (ApiError codes),
   * besides those every route of its kind may answer (`impliedErrors`).
   */
  errors: readonly string[];
}

/** Keeps the exact schema types of a spec (the handler and the client are typed from them). */
export function serverRoute<const S extends ServerRouteSpec>(spec: S): S {
  return spec;
}

type Part<S, K extends string> = S extends { [P in K]: infer T extends z.ZodType } ? T : undefined;

/** What the server's handler gets (after parsing). */
export type ParamsOut<S> = Part<S, 'params'> extends z.ZodType ? z.output<Part<S, 'params'>> : undefined;
export type QueryOut<S> = Part<S, 'query'> extends z.ZodType ? z.output<Part<S, 'query'>> : undefined;
export type BodyOut<S> = Part<S, 'body'> extends z.ZodType ? z.output<Part<S, 'body'>> : undefined;
/** What a client sends (before parsing: defaults may be left out). */
export type ParamsIn<S> = Part<S, 'params'> extends z.ZodType ? z.input<Part<S, 'params'>> : undefined;
export type QueryIn<S> = Part<S, 'query'> extends z.ZodType ? z.input<Part<S, 'query'>> : undefined;
export type BodyIn<S> = Part<S, 'body'> extends z.ZodType ? z.input<Part<S, 'body'>> : undefined;
/** What a client gets back (parsed by the answer schema); `undefined` for a route without one. */
export type AnswerOf<S> = Part<S, 'answer'> extends z.ZodType ? z.output<Part<S, 'answer'>> : undefined;

/**
 * Codes any route of this kind may answer, whatever its handler does: bad
 * input (schema, text guard, JSON), authentication, the admin check, the body
 * limit and the rate limit.
 */
export function impliedErrors(spec: ServerRouteSpec, rateLimited = false): string[] {
  const codes: string[] = [];
  if (spec.params || spec.query || spec.body) codes.push('invalid_input');
  if (spec.body) codes.push('invalid_text', 'malformed_json', 'body_too_large', 'unsupported_media_type');
  if (spec.access !== 'public') codes.push('unauthenticated');
  if (spec.access === 'admin') codes.push('forbidden');
  if (rateLimited) codes.push('rate_limited');
  return codes;
}

/** The path with its `:name` parameters filled in (URI-encoded). */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new Error(`${path}: no value for :${name}`);
    return encodeURIComponent(String(value));
  });
}
