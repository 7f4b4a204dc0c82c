import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors';

/**
 * One check for every request, before any route handler (and so before any
 * database call): no string anywhere in the body, the query, the path
 * parameters or the headers may hold a NUL (U+0000) or a lone UTF-16
 * surrogate. PostgreSQL's TEXT (UTF-8) cannot store either, SQLite would
 * store them, so without this one store answered 400 or 200 where the other
 * failed with 500. Object keys are checked too. The answer is a 400 that
 * says where the character is.
 *
 * A route may leave a body array to its own per-item checks (`POST
 * /v1/receipts` rejects a bad receipt alone, as `malformed`, and settles the
 * others), by listing the array's top-level key in `perItemArrays`.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unstorable = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);

/** The first path (`body.a.0.b`) at which a string or key holds a NUL or a lone surrogate; null if none. */
export function findUnstorable(
  value: unknown,
  path: string,
  skipKeys: ReadonlySet<string> = new Set(),
  depth = 0,
): string | null {
  if (typeof value === 'string') return unstorable(value) ? path : null;
  if (value === null || typeof value !== 'object') return null;
  // Bodies are at most bodyLimit bytes of JSON; deeper nesting than this is not ours to walk.
  if (depth > 64) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], `${path}.${i}`, undefined, depth + 1);
      if (found) return found;
    }
    return null;
  }
  // Streams (upload chunks) and buffers are bytes, not text.
  if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function') return null;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (unstorable(key)) return `${path}.(key)`;
    if (depth === 0 && skipKeys.has(key)) continue;
    const found = findUnstorable(item, `${path}.${key}`, undefined, depth + 1);
    if (found) return found;
  }
  return null;
}

export interface InputGuardOptions {
  /** Route URL → top-level body keys whose array items the route checks one by one. */
  perItemArrays?: Record<string, string[]>;
}

export function registerInputGuard(app: FastifyInstance, options: InputGuardOptions = {}): void {
  const skips = new Map(
    Object.entries(options.perItemArrays ?? {}).map(([url, keys]) => [url, new Set(keys)]),
  );
  app.addHook('preValidation', async (request) => {
    const url = request.routeOptions.url ?? '';
    const found =
      findUnstorable(request.params, 'path') ??
      findUnstorable(request.query, 'query') ??
      findUnstorable(request.headers, 'headers') ??
      findUnstorable(request.body, 'body', skips.get(url));
    if (found) {
      throw new ApiError(
        400,
        'invalid_text',
        `${found} holds a NUL character or a lone UTF-16 surrogate, which no text field may contain`,
        [{ path: found, message: 'NUL (U+0000) and unpaired surrogates are not allowed' }],
      );
    }
  });
}
