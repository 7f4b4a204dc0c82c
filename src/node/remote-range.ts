/**
 * Answers an HTTP-style media request by forwarding it to a remote server,
 * for both hosts (the web host pipes the body to its reply, Electron's media
 * protocol wraps it in a fetch `Response`). The renderer's Range header is
 * passed upstream with the source's headers added here, in the main process
 * (the session token never reaches the renderer); the answer streams back.
 *
 * Thin on purpose: no caching, no retries. What comes back from upstream is
 * checked before it is passed on (status, Content-Range, Content-Length,
 * Content-Type); anything else is a 502 with no body, so the audio element
 * sees an error rather than bytes it cannot place.
 */
export interface RemoteSource {
  url: string;
  /** Added to the upstream request only (e.g. `authorization`). */
  headers: Record<string, string>;
  /** Used when upstream names no usable Content-Type. */
  contentType: string;
}

export interface RemoteResponse {
  status: 200 | 206 | 416 | 502;
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array> | null;
}

export interface RemoteRangeOptions {
  /** Aborts the upstream request (and its body) when the client goes away. */
  signal?: AbortSignal | null;
  /** Until upstream's status and headers arrive (default 15 s); the body has no timeout (the player may pause reading). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** One byte range, as a player asks: `bytes=a-b`, `bytes=a-` or `bytes=-n`. Others (multiple ranges, garbage) are not forwarded. */
const RANGE = /^bytes=(\d{1,15})?-(\d{1,15})?$/;
const CONTENT_RANGE = /^bytes (\d{1,15})-(\d{1,15})\/(\d{1,15}|\*)$/;
const UNSATISFIED_RANGE = /^bytes \*\/(\d{1,15})$/;
const LENGTH = /^\d{1,15}$/;
const CONTENT_TYPE =
  /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,64}(\s*;\s*[a-z0-9_.+-]{1,32}=("?)[a-z0-9_.+-]{1,64}\2)*$/i;

/** A single-range header worth forwarding, or null (answer the whole file, as HTTP says for a header we do not use). */
export function forwardableRange(
  rangeHeader: string | null | undefined,
): { header: string; start: number | null } | null {
  if (!rangeHeader) return null;
  const trimmed = rangeHeader.trim();
  const m = RANGE.exec(trimmed);
  if (!m || (m[1] === undefined && m[2] === undefined)) return null;
  if (m[1] !== undefined && m[2] !== undefined && Number(m[2]) < Number(m[1])) return null;
  return { header: trimmed, start: m[1] !== undefined ? Number(m[1]) : null };
}

export async function remoteRangeResponse(
  source: RemoteSource,
  rangeHeader: string | null | undefined,
  options: RemoteRangeOptions = {},
): Promise<RemoteResponse> {
  const fetchImpl = options.fetch ?? fetch;
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  const clientSignal = options.signal ?? null;
  if (clientSignal?.aborted) return badGateway();
  clientSignal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 15_000);
  const range = forwardableRange(rangeHeader);
  let response: Response;
  try {
    response = await fetchImpl(source.url, {
      method: 'GET',
      headers: {
        ...(range ? { range: range.header } : {}),
        ...source.headers,
        'accept-encoding': 'identity',
      },
      signal: controller.signal,
      // A redirect could carry the auth header elsewhere: not followed, answered 502.
      redirect: 'manual',
    });
  } catch {
    clientSignal?.removeEventListener('abort', onAbort);
    return badGateway();
  } finally {
    clearTimeout(timer);
  }
  const drop = (): RemoteResponse => {
    clientSignal?.removeEventListener('abort', onAbort);
    void response.body?.cancel().catch(() => undefined);
    return badGateway();
  };
  // The client still reading keeps the abort listener: leaving aborts the upstream body too.
  const done = () => clientSignal?.removeEventListener('abort', onAbort);

  const upstream = response.headers;
  const typeHeader = upstream.get('content-type')?.trim() ?? '';
  const base = {
    'Content-Type': CONTENT_TYPE.test(typeHeader) ? typeHeader : source.contentType,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store',
  };
  const lengthHeader = upstream.get('content-length');
  if (lengthHeader !== null && !LENGTH.test(lengthHeader.trim())) return drop();
  const length = lengthHeader !== null ? Number(lengthHeader.trim()) : null;
  const encoding = upstream.get('content-encoding');
  if (encoding && encoding.trim().toLowerCase() !== 'identity') return drop();

  if (response.status === 200) {
    if (!response.body) return drop();
    return {
      status: 200,
      headers: { ...base, ...(length !== null ? { 'Content-Length': String(length) } : {}) },
      body: withDone(response.body, done),
    };
  }
  if (response.status === 206) {
    const m = CONTENT_RANGE.exec(upstream.get('content-range')?.trim() ?? '');
    if (!m || !response.body) return drop();
    const start = Number(m[1]);
    const end = Number(m[2]);
    const total = m[3] === '*' ? null : Number(m[3]);
    if (end < start || (total !== null && end >= total)) return drop();
    if (length !== null && length !== end - start + 1) return drop();
    // A range we did not ask for would play the wrong bytes at the asked position.
    if (!range || (range.start !== null && range.start !== start)) return drop();
    return {
      status: 206,
      headers: {
        ...base,
        'Content-Range': `bytes ${start}-${end}/${total ?? '*'}`,
        'Content-Length': String(end - start + 1),
      },
      body: withDone(response.body, done),
    };
  }
  if (response.status === 416) {
    const m = UNSATISFIED_RANGE.exec(upstream.get('content-range')?.trim() ?? '');
    drop();
    return {
      status: 416,
      headers: { ...base, ...(m ? { 'Content-Range': `bytes */${m[1]}` } : {}) },
      body: null,
    };
  }
  return drop();
}

function badGateway(): RemoteResponse {
  return { status: 502, headers: { 'Cache-Control': 'no-store' }, body: null };
}

/** Passes the body through and calls `done` once it ends, fails or is cancelled. */
function withDone(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: finished, value } = await reader.read();
        if (finished) {
          done();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        done();
        controller.error(error);
      }
    },
    async cancel(reason) {
      done();
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}
