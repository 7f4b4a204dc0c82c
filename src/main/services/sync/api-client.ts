import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { z } from 'zod';

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

const int = z.number().int();
const userSchema = z.object({
  id: z.string().min(1),
  email: z.string(),
  role: z.enum(['listener', 'artist', 'admin']),
  artists: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type ServerUser = z.infer<typeof userSchema>;
const sessionSchema = z.object({ token: z.string().min(16), expiresAt: int, user: userSchema });
export type ServerSession = z.infer<typeof sessionSchema>;

export const settledResultSchema = z.object({
  index: int,
  id: z.string(),
  status: z.literal('settled'),
  duplicate: z.boolean(),
  outcome: z.enum(['paid', 'free', 'unpaid']),
  freeReason: z.enum(['short', 'owned', 'free_track', 'own_track']).nullable(),
  playIndex: int.min(1).max(9).nullable(),
  priceThousandths: int.min(0).max(512),
  owned: z.boolean(),
});
export const rejectedResultSchema = z.object({
  index: int,
  id: z.string().nullable(),
  status: z.literal('rejected'),
  // Reasons the server may add later are kept as text: a rejection is final whatever it says.
  reason: z.string(),
  message: z.string(),
});
export type SettledResult = z.infer<typeof settledResultSchema>;
export type RejectedResult = z.infer<typeof rejectedResultSchema>;

const walletBriefSchema = z.object({
  balanceThousandths: int.min(0),
  reservedThousandths: int.min(0),
  version: int,
});
export const receiptsAnswerSchema = z.object({
  results: z.array(z.discriminatedUnion('status', [settledResultSchema, rejectedResultSchema])),
  wallet: walletBriefSchema,
  allowanceThousandths: int.min(0),
});
export type ReceiptsAnswer = z.infer<typeof receiptsAnswerSchema>;

export const serverTrackSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  title: z.string(),
  trackNumber: int,
  durationMs: int.min(1),
  status: z.enum(['paid', 'free']),
  artistId: z.string(),
  artistName: z.string(),
  releaseId: z.string(),
  releaseTitle: z.string(),
  hasAudio: z.boolean(),
  /** False once its release was unpublished (the pull sends it once more so devices drop it); older servers omit it. */
  published: z.boolean().default(true),
  version: int,
});
export type ServerTrack = z.infer<typeof serverTrackSchema>;
export const playCountSchema = z.object({
  trackId: z.string(),
  paidPlays: int.min(0).max(9),
  totalPlays: int.min(0),
  paidThousandths: int.min(0),
  owned: z.boolean(),
  ownedAt: int.nullable(),
});
export type ServerPlayCount = z.infer<typeof playCountSchema>;
export const pullAnswerSchema = z.object({
  cursor: z.string().min(1).max(1000),
  wallet: walletBriefSchema.extend({ availableThousandths: int }),
  allowanceThousandths: int.min(0),
  deviceRevoked: z.boolean(),
  playCounts: z.array(playCountSchema),
  catalog: z.object({ tracks: z.array(serverTrackSchema), complete: z.boolean() }),
});
export type PullAnswer = z.infer<typeof pullAnswerSchema>;

const purchaseSchema = z.object({
  transferId: z.string(),
  duplicate: z.boolean(),
  tracks: z.array(z.object({ trackId: z.string(), paidThousandths: int.min(0) })),
  totalThousandths: int.min(0),
  balanceThousandths: int.min(0),
});
const ledgerSchema = z.object({
  entries: z.array(
    z.object({
      id: int,
      transferId: z.string(),
      kind: z.string(),
      receiptId: z.string().nullable(),
      trackId: z.string().nullable(),
      amountThousandths: int,
      createdAt: int,
    }),
  ),
  nextBefore: int.nullable(),
});
const membershipSchema = z.object({
  year: int,
  listener: z.object({
    member: z.boolean(),
    spentThousandths: int,
    thresholdThousandths: int,
    spentEuros: z.string(),
    thresholdEuros: z.string(),
    progressPercent: int,
  }),
  artist: z
    .object({
      member: z.boolean(),
      earnedTenThousandths: int,
      thresholdTenThousandths: int,
      earnedEuros: z.string(),
      thresholdEuros: z.string(),
      progressPercent: int,
    })
    .nullable(),
});
const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

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

  /** One JSON request; the answer body parsed by `schema` (null: no body expected). */
  private async request<T>(
    method: string,
    path: string,
    body: unknown,
    schema: z.ZodType<T> | null,
  ): Promise<T> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    let status = 0;
    let text: string;
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
      // Reading the body is under the same timeout: a server may stall mid-answer.
      text = await response.text();
    } catch (error) {
      if (timedOut)
        throw new SyncApiError('timeout', `${method} ${path} timed out after ${this.timeoutMs} ms`);
      const message = error instanceof Error ? error.message : String(error);
      throw new SyncApiError('network', `${method} ${path}: ${message}`, status || null);
    } finally {
      this.timers.clearTimeout(timer);
    }
    if (status >= 500)
      throw new SyncApiError(
        'server_error',
        `${method} ${path} answered ${status}`,
        status,
        errorCodeOf(text),
      );
    if (status >= 400) {
      const code = errorCodeOf(text);
      throw new SyncApiError(
        'http',
        `${method} ${path} answered ${status}${code ? ` (${code})` : ''}: ${errorMessageOf(text) ?? ''}`.trim(),
        status,
        code,
      );
    }
    if (status < 200 || status >= 300)
      throw new SyncApiError('bad_response', `${method} ${path} answered ${status}`, status);
    if (schema === null) return undefined as T;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SyncApiError('bad_response', `${method} ${path} answered something that is not JSON`, status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new SyncApiError(
        'bad_response',
        `${method} ${path} answered an unexpected shape (${first?.path.join('.')}: ${first?.message})`,
        status,
      );
    }
    return parsed.data;
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
    return this.request('POST', '/v1/auth/sign-up', { email, password }, sessionSchema);
  }
  signIn(email: string, password: string): Promise<ServerSession> {
    return this.request('POST', '/v1/auth/sign-in', { email, password }, sessionSchema);
  }
  signOut(): Promise<void> {
    return this.request('POST', '/v1/auth/sign-out', {}, null);
  }
  me(): Promise<ServerUser> {
    return this.request('GET', '/v1/me', undefined, userSchema);
  }

  /** Registers a device key; `exists` when this id or key is registered already (to this or another account). */
  async registerDevice(device: {
    id: string;
    name: string;
    publicKey: string;
  }): Promise<'created' | 'exists'> {
    try {
      await this.request('POST', '/v1/devices', device, z.object({ id: z.string() }));
      return 'created';
    } catch (error) {
      if (error instanceof SyncApiError && error.status === 409) return 'exists';
      throw error;
    }
  }
  listDevices(): Promise<{
    devices: { id: string; publicKey: string; revokedAt: number | null; lastSeq?: number }[];
  }> {
    return this.request(
      'GET',
      '/v1/devices',
      undefined,
      z.object({
        devices: z.array(
          // lastSeq: the highest receipt seq the server has seen from the device (older servers omit it).
          z.object({
            id: z.string(),
            publicKey: z.string(),
            revokedAt: int.nullable(),
            lastSeq: int.min(0).optional(),
          }),
        ),
      }),
    );
  }

  pushReceipts(deviceId: string, receipts: readonly unknown[]): Promise<ReceiptsAnswer> {
    return this.request('POST', '/v1/receipts', { deviceId, receipts }, receiptsAnswerSchema);
  }
  pull(deviceId: string, cursor: string | null, catalogLimit = 500): Promise<PullAnswer> {
    return this.request(
      'POST',
      '/v1/sync',
      { deviceId, ...(cursor ? { cursor } : {}), catalogLimit },
      pullAnswerSchema,
    );
  }
  redeemVoucher(code: string) {
    return this.request(
      'POST',
      '/v1/vouchers/redeem',
      { code },
      z.object({ creditedThousandths: int.min(0), balanceThousandths: int.min(0) }),
    );
  }
  buyTrack(trackId: string, requestId: string) {
    return this.request(
      'POST',
      `/v1/tracks/${encodeURIComponent(trackId)}/buy`,
      { requestId },
      purchaseSchema,
    );
  }
  buyRelease(releaseId: string, requestId: string) {
    return this.request(
      'POST',
      `/v1/releases/${encodeURIComponent(releaseId)}/buy`,
      { requestId },
      purchaseSchema,
    );
  }
  ledger(before: number | undefined, limit: number) {
    const query = new URLSearchParams({
      limit: String(limit),
      ...(before ? { before: String(before) } : {}),
    });
    return this.request('GET', `/v1/ledger?${query}`, undefined, ledgerSchema);
  }
  membership(year: number | undefined) {
    return this.request('GET', `/v1/membership${year ? `?year=${year}` : ''}`, undefined, membershipSchema);
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
        `${this.baseUrl}/v1/tracks/${encodeURIComponent(trackId)}/audio`,
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
      url: `${this.baseUrl}/v1/tracks/${encodeURIComponent(trackId)}/audio`,
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
    };
  }
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
