import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { z } from 'zod';
import {
  accounts,
  catalog,
  credits,
  devices,
  fillPath,
  listener,
  type playCountSchema,
  type pullAnswerSchema,
  type receiptsAnswerSchema,
  type rejectedResultSchema,
  type sessionSchema,
  type settledResultSchema,
  sync,
  type trackSchema,
  type userSchema,
  type AnswerOf,
  type BodyIn,
  type ParamsIn,
  type QueryIn,
  type ServerRouteSpec,
} from '../../../shared/server-api';

/**
 * The app's client of the sync server's /v1 API (docs/server-api.md). Every
 * answer is validated with zod: a server that answers garbage is treated
 * like one that is down (try again later), never trusted. Every request has
 * a timeout (AbortController), so a slow server cannot hang the engine.
 * `fetch` and the timers are injected so tests decide what the network does.
 */

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // A pending sync must not keep a CLI or a test process alive.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Why a call failed. `network`, `timeout`, `server_error` and `bad_response`
 * mean "try again later"; `http` is the server's considered answer (4xx) and
 * will not change on a retry.
 */
export type ApiFailureKind = 'network' | 'timeout' | 'server_error' | 'bad_response' | 'http';

export class SyncApiError extends Error {
  constructor(
    readonly kind: ApiFailureKind,
    message: string,
    readonly status: number | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'SyncApiError';
  }

  get retryable(): boolean {
    return this.kind !== 'http';
  }
}

/*
 * The answer shapes are the wire contract's (src/shared/server-api): the same
 * zod schemas the server registers its routes with and describes in OpenAPI.
 * These names stay so the rest of the sync domain reads as before.
 */
export {
  rejectedResultSchema,
  receiptsAnswerSchema,
  settledResultSchema,
  playCountSchema,
  pullAnswerSchema,
  trackSchema as serverTrackSchema,
} from '../../../shared/server-api';
export type ServerUser = z.infer<typeof userSchema>;
export type ServerSession = z.infer<typeof sessionSchema>;
export type SettledResult = z.infer<typeof settledResultSchema>;
export type RejectedResult = z.infer<typeof rejectedResultSchema>;
export type ReceiptsAnswer = z.infer<typeof receiptsAnswerSchema>;
export type ServerTrack = z.infer<typeof trackSchema>;
export type ServerPlayCount = z.infer<typeof playCountSchema>;
export type PullAnswer = z.infer<typeof pullAnswerSchema>;

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** What a call sends: the path parameters, the query and the JSON body its spec declares. */
export type RequestParts<S extends ServerRouteSpec> = (ParamsIn<S> extends undefined
  ? { params?: undefined }
  : { params: ParamsIn<S> }) &
  (QueryIn<S> extends undefined ? { query?: undefined } : { query?: QueryIn<S> }) &
  (BodyIn<S> extends undefined ? { body?: undefined } : { body: BodyIn<S> });

/** The path with its parameters filled in and the query's defined values appended. */
export function requestPath(spec: ServerRouteSpec, params?: unknown, query?: unknown): string {
  const path = fillPath(spec.path, params as Record<string, unknown> | undefined);
  const entries = Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return entries.length
    ? `${path}?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)]))}`
    : path;
}

export interface RawRequestInit {
  /** Sent as JSON (content-type set). */
  json?: unknown;
  /** Sent as is (set the content-type in `headers`). */
  bytes?: Uint8Array;
  headers?: Record<string, string>;
  timeoutMs?: number;
}
export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface ApiClientOptions {
  baseUrl: string;
  token?: string | null;
  fetch?: FetchLike;
  timers?: Timers;
  /** Per request (default 15 s); downloads use it as the idle timeout between chunks. */
  timeoutMs?: number;
  /** Told the `Date` header of every server answer (the engine learns the server's time from it). */
  onServerDate?: (dateHeader: string | null) => void;
}

export class SyncApiClient {
  private readonly fetchImpl: FetchLike;
  private readonly timers: Timers;
  private readonly timeoutMs: number;
  private readonly onServerDate: (dateHeader: string | null) => void;
  readonly baseUrl: string;
  token: string | null;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token ?? null;
    this.fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
    this.timers = options.timers ?? realTimers;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.onServerDate = options.onServerDate ?? (() => undefined);
  }

  private sawAnswer(response: Response): void {
    try {
      this.onServerDate(response.headers.get('date'));
    } catch {
      // Learning the time is best effort; the answer itself is what matters.
    }
  }

  /**
   * One call of the server's API through its shared spec: fills the path,
   * sends the body as JSON, and parses the answer with the spec's answer
   * schema (a spec without one: no body expected). Failures are
   * `SyncApiError`s: network, timeout, server_error (5xx), http (4xx, the
   * server's considered answer), bad_response (anything else, or an answer
   * of the wrong shape).
   */
  async request<S extends ServerRouteSpec>(spec: S, parts: RequestParts<S>): Promise<AnswerOf<S>> {
    const path = requestPath(spec, parts.params, parts.query);
    const { status, text } = await this.send(spec.method, path, parts.body);
    return answerOf(spec, `${spec.method} ${path}`, status, text) as AnswerOf<S>;
  }

  /** Sends one JSON request under the timeout (which covers reading the body: a server may stall mid-answer). */
  private async send(method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    let status = 0;
    try {
      const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
      status = response.status;
      this.sawAnswer(response);
      return { status, text: await response.text() };
    } catch (error) {
      if (timedOut)
        throw new SyncApiError('timeout', `${method} ${path} timed out after ${this.timeoutMs} ms`);
      const message = error instanceof Error ? error.message : String(error);
      throw new SyncApiError('network', `${method} ${path}: ${message}`, status || null);
    } finally {
      this.timers.clearTimeout(timer);
    }
  }

  /**
   * One authenticated request whose answer the caller interprets (other
   * domains' routes, e.g. publishing and earnings): a JSON body or raw bytes
   * out, status, headers and text back. Network failures and timeouts throw
   * `SyncApiError` like every other call; HTTP statuses do not.
   */
  async raw(method: string, path: string, init: RawRequestInit = {}): Promise<RawAnswer> {
    const controller = new AbortController();
    let timedOut = false;
    const timeoutMs = init.timeoutMs ?? this.timeoutMs;
    const timer = this.timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...init.headers,
        },
        body: init.json !== undefined ? JSON.stringify(init.json) : (init.bytes as RequestInit['body']),
        signal: controller.signal,
      });
      this.sawAnswer(response);
      const text = method === 'HEAD' ? '' : await response.text();
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      if (timedOut) throw new SyncApiError('timeout', `${method} ${path} timed out after ${timeoutMs} ms`);
      throw new SyncApiError(
        'network',
        `${method} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.timers.clearTimeout(timer);
    }
  }

  signUp(email: string, password: string): Promise<ServerSession> {
    return this.request(accounts.signUp, { body: { email, password } });
  }
  signIn(email: string, password: string): Promise<ServerSession> {
    return this.request(accounts.signIn, { body: { email, password } });
  }
  signOut(): Promise<void> {
    return this.request(accounts.signOut, {});
  }
  me(): Promise<ServerUser> {
    return this.request(accounts.me, {});
  }

  /** Registers a device key; `exists` when this id or key is registered already (to this or another account). */
  async registerDevice(device: {
    id: string;
    name: string;
    publicKey: string;
  }): Promise<'created' | 'exists'> {
    try {
      await this.request(devices.registerDevice, { body: device });
      return 'created';
    } catch (error) {
      if (error instanceof SyncApiError && error.status === 409) return 'exists';
      throw error;
    }
  }
  listDevices(): Promise<{
    devices: { id: string; publicKey: string; revokedAt: number | null; lastSeq?: number }[];
  }> {
    return this.request(devices.listDevices, {});
  }

  pushReceipts(deviceId: string, receipts: readonly unknown[]): Promise<ReceiptsAnswer> {
    return this.request(sync.pushReceipts, { body: { deviceId, receipts: [...receipts] } });
  }
  pull(deviceId: string, cursor: string | null, catalogLimit = 500): Promise<PullAnswer> {
    return this.request(sync.pull, { body: { deviceId, ...(cursor ? { cursor } : {}), catalogLimit } });
  }
  redeemVoucher(code: string) {
    return this.request(credits.redeemVoucher, { body: { code } });
  }
  buyTrack(trackId: string, requestId: string) {
    return this.request(listener.buyTrack, { params: { id: trackId }, body: { requestId } });
  }
  buyRelease(releaseId: string, requestId: string) {
    return this.request(listener.buyRelease, { params: { id: releaseId }, body: { requestId } });
  }
  ledger(before: number | undefined, limit: number) {
    return this.request(listener.ledger, { query: { limit, before: before ? before : undefined } });
  }
  membership(year: number | undefined) {
    return this.request(listener.membership, { query: { year: year ? year : undefined } });
  }

  /**
   * Streams a track's audio into `file` (through `file.part`, renamed when
   * complete, so a broken download never looks like a track). The timeout is
   * an idle timeout: it restarts with every chunk, so a long file on a slow
   * line is fine and a stalled one is not.
   */
  async downloadAudio(
    trackId: string,
    file: string,
    options: {
      /** Called once the server has answered 200 (the audio is coming), before the body. */
      onStarted?: (info: { contentType: string; sizeBytes: number | null }) => void;
      /** Stops the download (the app closing). */
      signal?: AbortSignal;
    } = {},
  ): Promise<{ sizeBytes: number; contentType: string }> {
    const controller = new AbortController();
    if (options.signal?.aborted) throw new SyncApiError('network', `audio of ${trackId}: stopped`);
    const stop = () => controller.abort();
    options.signal?.addEventListener('abort', stop, { once: true });
    let timedOut = false;
    let timer: unknown = null;
    const arm = () => {
      if (timer !== null) this.timers.clearTimeout(timer);
      timer = this.timers.setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.timeoutMs);
    };
    const part = `${file}.part`;
    arm();
    try {
      const response = await this.fetchImpl(
        `${this.baseUrl}${fillPath(catalog.trackAudio.path, { id: trackId })}`,
        {
          method: 'GET',
          headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
          signal: controller.signal,
        },
      );
      if (response.status !== 200 || !response.body) throw await audioAnswerError(trackId, response);
      const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
      const expected = Number(response.headers.get('content-length') ?? NaN);
      options.onStarted?.({ contentType, sizeBytes: Number.isFinite(expected) ? expected : null });
      const sizeBytes = await writeBody(response.body, part, arm);
      if (Number.isFinite(expected) && expected !== sizeBytes) {
        throw new SyncApiError('bad_response', `audio of ${trackId}: got ${sizeBytes} of ${expected} bytes`);
      }
      await rename(part, file);
      return { sizeBytes, contentType };
    } catch (error) {
      await rm(part, { force: true });
      throw downloadFailure(trackId, error, timedOut ? this.timeoutMs : null);
    } finally {
      if (timer !== null) this.timers.clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
    }
  }

  /** The audio's address and the header that authorizes it, for streaming through the media router. */
  audioSource(trackId: string): { url: string; headers: Record<string, string> } {
    return {
      url: `${this.baseUrl}${fillPath(catalog.trackAudio.path, { id: trackId })}`,
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
    };
  }
}

/** A call's answer as its spec says it is, or the `SyncApiError` for a status or a body that is not. */
function answerOf(spec: ServerRouteSpec, call: string, status: number, text: string): unknown {
  if (status >= 500)
    throw new SyncApiError('server_error', `${call} answered ${status}`, status, errorCodeOf(text));
  if (status >= 400) {
    const code = errorCodeOf(text);
    throw new SyncApiError(
      'http',
      `${call} answered ${status}${code ? ` (${code})` : ''}: ${errorMessageOf(text) ?? ''}`.trim(),
      status,
      code,
    );
  }
  if (status < 200 || status >= 300)
    throw new SyncApiError('bad_response', `${call} answered ${status}`, status);
  if (!spec.answer) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SyncApiError('bad_response', `${call} answered something that is not JSON`, status);
  }
  const parsed = spec.answer.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new SyncApiError(
      'bad_response',
      `${call} answered an unexpected shape (${first?.path.join('.')}: ${first?.message})`,
      status,
    );
  }
  return parsed.data;
}

/** The error for an audio answer that is not the audio (any status but 200, or no body). */
async function audioAnswerError(trackId: string, response: Response): Promise<SyncApiError> {
  const text = await response.text().catch(() => '');
  const kind: ApiFailureKind =
    response.status >= 500 ? 'server_error' : response.status >= 400 ? 'http' : 'bad_response';
  return new SyncApiError(
    kind,
    `audio of ${trackId}: the server answered ${response.status}`,
    response.status,
    errorCodeOf(text),
  );
}

/**
 * Writes a response body to `file` (created 0600), waiting for the disk when it is
 * behind, and calls `onChunk` for each chunk read; closes the file in any case.
 * Returns the bytes written.
 */
async function writeBody(
  body: ReadableStream<Uint8Array>,
  file: string,
  onChunk: () => void,
): Promise<number> {
  const out = createWriteStream(file, { mode: 0o600 });
  let sizeBytes = 0;
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onChunk();
      sizeBytes += value.byteLength;
      if (!out.write(value)) await new Promise<void>((resolve) => out.once('drain', resolve));
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
  return sizeBytes;
}

/** A failed download as the error callers get: ours as it is, a timeout (its idle limit given), or a network error. */
function downloadFailure(trackId: string, error: unknown, timedOutAfterMs: number | null): SyncApiError {
  if (error instanceof SyncApiError) return error;
  if (timedOutAfterMs !== null)
    return new SyncApiError('timeout', `audio of ${trackId}: no data for ${timedOutAfterMs} ms`);
  return new SyncApiError(
    'network',
    `audio of ${trackId}: ${error instanceof Error ? error.message : String(error)}`,
  );
}

function parsedError(text: string): { code: string; message: string } | null {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.error : null;
  } catch {
    return null;
  }
}
function errorCodeOf(text: string): string | null {
  return parsedError(text)?.code ?? null;
}
function errorMessageOf(text: string): string | null {
  return parsedError(text)?.message ?? null;
}
