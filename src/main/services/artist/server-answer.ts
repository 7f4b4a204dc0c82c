import type { z } from 'zod';
import { CallError } from '../../../shared/contract/define';
import type { AnswerOf, ServerRouteSpec } from '../../../shared/server-api';
import {
  SyncApiError,
  requestPath,
  type RawAnswer,
  type RawRequestInit,
  type RequestParts,
} from '../sync/api-client';

/**
 * Calling the server through the wire contract's specs (src/shared/server-api)
 * and turning its answers into values or the contract's errors. The path is
 * the spec's, the answer is parsed by the spec's schema; the server's
 * considered answers (4xx) keep their code and message, so the artist reads
 * e.g. "uploads_not_ready: …" as the server put it.
 */

/** The sync domain's authenticated request to the account's server (statuses are answered, not thrown). */
export type Request = (method: string, path: string, init?: RawRequestInit) => Promise<RawAnswer>;

export interface ServerError {
  code: string;
  message: string;
  issues?: { path: string; message: string }[];
}

export function serverErrorOf(answer: RawAnswer): ServerError | null {
  try {
    const body = JSON.parse(answer.text) as { error?: ServerError };
    return body.error && typeof body.error.code === 'string' ? body.error : null;
  } catch {
    return null;
  }
}

export function errorFromAnswer(answer: RawAnswer, action: string): CallError {
  const error = serverErrorOf(answer);
  const detail = error ? `${error.code}: ${error.message}` : `the server answered ${answer.status}`;
  const message = `Could not ${action} (${detail}).`;
  const issues = error?.issues?.map((i) => ({ path: i.path, message: i.message }));
  if (answer.status === 401) return new CallError('unavailable', 'The session ended; sign in again.');
  if (answer.status === 403) return new CallError('forbidden', message);
  if (answer.status === 404) return new CallError('not_found', message);
  if (answer.status === 409 || answer.status === 413) return new CallError('conflict', message, issues);
  if (answer.status === 400) return new CallError('invalid_input', message, issues);
  return new CallError('unavailable', message);
}

/** Network trouble and timeouts become "try again when online"; anything else is passed on. */
export function networkError(error: unknown, action: string): Error {
  if (error instanceof SyncApiError)
    return new CallError(
      'unavailable',
      `Could not ${action}: the co-op server is not reachable (${error.message}).`,
    );
  return error instanceof Error ? error : new Error(String(error));
}

/** A 2xx JSON answer parsed by `schema`, else the matching CallError. */
export function expectJson<T>(answer: RawAnswer, schema: z.ZodType<T>, action: string): T {
  if (answer.status < 200 || answer.status >= 300) throw errorFromAnswer(answer, action);
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    throw new CallError(
      'unavailable',
      `Could not ${action}: the server answered something that is not JSON.`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new CallError(
      'unavailable',
      `Could not ${action}: the server answered an unexpected shape (${first?.path.join('.')}: ${first?.message}).`,
    );
  }
  return parsed.data;
}

/** What a call may add to its spec's parts: raw bytes and headers (upload chunks), a longer timeout. */
export type SpecInit = Omit<RawRequestInit, 'json'>;

/**
 * One call of `spec`: its path filled from `parts`, its body sent as JSON.
 * Network trouble throws the `SyncApiError` as it is (a caller may resend);
 * any HTTP status is answered.
 */
export function requestSpec<S extends ServerRouteSpec>(
  request: Request,
  spec: S,
  parts: RequestParts<S>,
  init: SpecInit = {},
): Promise<RawAnswer> {
  const path = requestPath(spec, parts.params, parts.query);
  return request(spec.method, path, parts.body === undefined ? init : { ...init, json: parts.body });
}

/** `requestSpec`, with network trouble as "not reachable" (the action named). */
export async function sendSpec<S extends ServerRouteSpec>(
  request: Request,
  spec: S,
  parts: RequestParts<S>,
  action: string,
  init?: SpecInit,
): Promise<RawAnswer> {
  try {
    return await requestSpec(request, spec, parts, init);
  } catch (error) {
    throw networkError(error, action);
  }
}

/** A 2xx answer parsed by the spec's answer schema (a spec without one: nothing), else the matching CallError. */
export function specAnswer<S extends ServerRouteSpec>(
  spec: S,
  answer: RawAnswer,
  action: string,
): AnswerOf<S> {
  if (spec.answer) return expectJson(answer, spec.answer, action) as AnswerOf<S>;
  if (answer.status < 200 || answer.status >= 300) throw errorFromAnswer(answer, action);
  return undefined as AnswerOf<S>;
}

/** One call of `spec` whose answer is the spec's; network trouble and error statuses as CallErrors. */
export async function callSpec<S extends ServerRouteSpec>(
  request: Request,
  spec: S,
  parts: RequestParts<S>,
  action: string,
  init?: SpecInit,
): Promise<AnswerOf<S>> {
  return specAnswer(spec, await sendSpec(request, spec, parts, action, init), action);
}
