import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodError } from 'zod';

/**
 * Every error answer has one shape: `{ error: { code, message, issues? } }`,
 * with a stable machine-readable `code` and a human `message`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: Array<{ path: string; message: string }>,
  ) {
    super(message);
  }
}

export function zodIssues(error: ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const forbidden = (why = 'not allowed') => new ApiError(403, 'forbidden', why);

/** Maps Fastify's own 4xx (bad JSON, too large, wrong media type, rate limit) onto our shape. */
export function errorHandler(
  error: FastifyError | ApiError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error instanceof ApiError) {
    void reply
      .status(error.status)
      .send({ error: { code: error.code, message: error.message, issues: error.issues } });
    return;
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    void reply.status(500).send({ error: { code: 'internal', message: 'internal server error' } });
    return;
  }
  const code =
    status === 413
      ? 'body_too_large'
      : status === 415
        ? 'unsupported_media_type'
        : status === 429
          ? 'rate_limited'
          : error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
            ? 'malformed_json'
            : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
              ? 'empty_body'
              : 'bad_request';
  void reply.status(status).send({ error: { code, message: error.message } });
}
