import type { z } from 'zod';
import { CallError } from '../../../shared/contract/define';
import { SyncApiError, type RawAnswer } from '../sync/api-client';

/**
 * Turning the server's answers into values or the contract's errors. The
 * server's considered answers (4xx) keep their code and message, so the
 * artist reads e.g. "uploads_not_ready: …" as the server put it.
 */

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
