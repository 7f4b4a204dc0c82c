import { DEFAULT_EURO_RATE, type EuroRate } from '../shared/pricing';

/** Everything a server instance can be told; tests shorten what they need. */
export interface ServerConfig {
  /** Receipts may be dated at most this far in the server's future (device clocks drift). */
  receiptFutureSkewMs: number;
  /** Receipts counted longer ago than this are refused (a device offline for longer must re-register). */
  receiptMaxAgeMs: number;
  /**
   * PostgreSQL: how far any instance's clock may lag the database's. Settlement
   * times come from each instance's clock; an earnings report waits until its
   * period ended this long ago (by the database's clock), and until every
   * transaction begun before then has ended, so no settlement of the period
   * can commit after it (docs/earnings-report.md).
   */
  settlementClockSkewMs: number;
  /** Receipts per POST /v1/receipts. */
  maxReceiptsPerBatch: number;
  /** Bytes per request body. */
  bodyLimitBytes: number;
  /**
   * Worker threads that verify receipt signatures; null: the available cores
   * less one (the main thread's), at least one. 0: verify on the main thread only.
   */
  signatureWorkers: number | null;
  /** Offline allowance a device is topped up to on each sync, in thousandths (bounded by the wallet). */
  deviceAllowanceThousandths: number;
  sessionTtlMs: number;
  /** Sign-in and sign-up attempts per client address per minute. */
  authRateLimitPerMinute: number;
  /** argon2id cost; the defaults are argon2's (OWASP-level). Tests lower them. */
  passwordHashing: { memoryCost: number; timeCost: number; parallelism: number };
  /** Publishing from the app: resumable uploads of a draft release's audio files. */
  upload: {
    /** Largest audio file accepted, bytes. */
    maxFileBytes: number;
    /** Largest single PATCH, bytes (a client sends a big file as many chunks). */
    maxChunkBytes: number;
    maxUploadsPerRelease: number;
  };
  /** The public transparency log of settlements (docs/transparency-log.md). */
  transparencyLog: {
    /** On by default; off only to measure its cost (bench/tlog.bench.ts). */
    enabled: boolean;
    /** The checkpoints' origin line and the log key's name, e.g. "<host>/resonate-log". */
    origin: string;
    /**
     * Who gives leaves their index. inline: the settling transaction itself, under the
     * sequencer row's lock (commits of all listeners serialise on it); deferred: the
     * settling transaction commits its leaves to a queue, and the sequencer numbers them
     * right after, in its own transaction under that lock. null: deferred on
     * PostgreSQL (concurrent writers), inline on SQLite (one writer anyway).
     */
    sequencing: 'inline' | 'deferred' | null;
    /** How often an instance signs a checkpoint while leaves arrive. */
    checkpointIntervalMs: number;
    /** Witness vkeys whose cosignatures are accepted; null: any witness whose cosignature verifies. */
    witnesses: string[] | null;
  };
  membership: {
    /** Listener membership: at least this many euros' worth of credits spent in a calendar year. */
    listenerThresholdEuros: number;
    /** Artist membership: at least this many euros earned (artist share) in a calendar year. */
    artistThresholdEuros: number;
    euroRate: EuroRate;
  };
}

export const DEFAULT_CONFIG: ServerConfig = {
  receiptFutureSkewMs: 5 * 60_000,
  receiptMaxAgeMs: 90 * 24 * 3_600_000,
  settlementClockSkewMs: 1_000,
  maxReceiptsPerBatch: 500,
  bodyLimitBytes: 1024 * 1024,
  signatureWorkers: null,
  deviceAllowanceThousandths: 2044,
  sessionTtlMs: 30 * 24 * 3_600_000,
  authRateLimitPerMinute: 20,
  passwordHashing: { memoryCost: 65536, timeCost: 3, parallelism: 4 },
  upload: {
    maxFileBytes: 1024 * 1024 * 1024,
    maxChunkBytes: 16 * 1024 * 1024,
    maxUploadsPerRelease: 200,
  },
  transparencyLog: {
    enabled: true,
    origin: 'localhost/resonate-log',
    sequencing: null,
    checkpointIntervalMs: 1000,
    witnesses: null,
  },
  membership: {
    listenerThresholdEuros: 15,
    artistThresholdEuros: 15,
    euroRate: DEFAULT_EURO_RATE,
  },
};

export type ConfigOverrides = Partial<
  Omit<ServerConfig, 'membership' | 'passwordHashing' | 'upload' | 'transparencyLog'>
> & {
  transparencyLog?: Partial<ServerConfig['transparencyLog']>;
  upload?: Partial<ServerConfig['upload']>;
  membership?: Partial<ServerConfig['membership']>;
  passwordHashing?: Partial<ServerConfig['passwordHashing']>;
};

export function resolveConfig(overrides: ConfigOverrides = {}): ServerConfig {
  return {
    ...DEFAULT_CONFIG,
    ...overrides,
    membership: { ...DEFAULT_CONFIG.membership, ...overrides.membership },
    upload: { ...DEFAULT_CONFIG.upload, ...overrides.upload },
    transparencyLog: { ...DEFAULT_CONFIG.transparencyLog, ...overrides.transparencyLog },
    passwordHashing: { ...DEFAULT_CONFIG.passwordHashing, ...overrides.passwordHashing },
  };
}

/** Clock for the server: wall-clock epoch ms. Tests inject a fixed or stepping one. */
export interface ServerClock {
  nowMs(): number;
}
export const systemClock: ServerClock = { nowMs: () => Date.now() };
