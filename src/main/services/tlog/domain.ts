import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CallError } from '../../../shared/contract/define';
import type { tlogCalls, TlogState, TlogStatus } from '../../../shared/contract/tlog';
import { parseVkey, toHex, verifyCheckpoint } from '../../../shared/tlog';
import type { Clock } from '../core/clock';
import type { CallHandler } from '../core/dispatcher';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import { migrate, type Db } from '../db/database';
import {
  checkPlay,
  fetchCheckpoint,
  consistencyFailure,
  cosignatureCounts,
  logKey,
  LogOffline,
  NoLog,
  PLAYS_PER_CHECK,
  type CheckContext,
  type FetchedCheckpoint,
  type LogRequest,
} from './checker';
import { tlogMigrations } from './migrations';
import { TlogStore, type KeptCheckpoint, type NewFailure } from './tlog-store';

const asKept = (c: FetchedCheckpoint): KeptCheckpoint => ({
  origin: c.checkpoint.origin,
  size: c.checkpoint.size,
  rootHex: toHex(c.checkpoint.root),
  note: c.text,
  verifiedAtMs: 0,
});

/**
 * The app's check of the co-op server's public transparency log, wired:
 * runs after each sync (the sync domain's `afterSync` hook), keeps the latest
 * verified checkpoint and every failure's evidence in the local database, and
 * answers the `tlog.*` calls. See docs/sync.md "The public log".
 */
export interface TlogDomainDeps {
  db: Db;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  events: EventHub;
  /** The server in use, as the sync engine keys it (`syncServerUrl`, or 'bundled'). */
  serverKey(): string;
  /** A GET to the signed-in account's server; throws when signed out or unreachable. */
  request: LogRequest;
}

type TlogCallName = keyof typeof tlogCalls;

export function createTlogDomain(deps: TlogDomainDeps) {
  migrate(deps.db, tlogMigrations);
  const store = new TlogStore(deps.db);
  const log = deps.logger.child({ domain: 'tlog' });
  /** Per server: how the last check ended (in memory: after a restart, the next sync tells). */
  const last = new Map<string, { state: TlogState; atMs: number; error: string | null }>();
  let running: Promise<void> | null = null;

  function status(): TlogStatus {
    const serverKey = deps.serverKey();
    const config = store.config();
    const kept = store.latest(serverKey);
    const failures = store.failures(serverKey);
    const outcome = last.get(serverKey);
    let counts = { all: 0, known: 0 };
    if (kept) {
      const verdict = verifyCheckpoint(kept.note, config.logVkey ?? store.pin(serverKey)?.vkey ?? '');
      if (verdict.ok) counts = cosignatureCounts(verdict.note, verdict.checkpoint.origin, config.witnesses);
    }
    const state: TlogState = failures.length
      ? 'warning'
      : (outcome?.state ?? (kept ? 'verified' : 'unchecked'));
    return {
      state,
      serverKey,
      logKey: config.logVkey ?? store.pin(serverKey)?.vkey ?? null,
      checkpoint: kept && {
        origin: kept.origin,
        size: kept.size,
        rootHex: kept.rootHex,
        verifiedAtMs: kept.verifiedAtMs,
        note: kept.note,
        cosignatures: counts.all,
        knownWitnessCosignatures: counts.known,
      },
      requiredWitnesses: config.requiredWitnesses,
      witnesses: config.witnesses,
      lastCheckAtMs: outcome?.atMs ?? null,
      lastError: outcome?.error ?? null,
      ...store.counts(serverKey),
      failures,
    };
  }

  function emit(): void {
    try {
      deps.events.emit('tlog.changed', status());
    } catch (error) {
      log.error({ err: error }, 'could not emit the log status');
    }
  }

  function fail(ctx: CheckContext, failure: NewFailure): 'failed' {
    store.addFailure(ctx.serverKey, failure, ctx.nowMs);
    log.warn(
      { kind: failure.kind, receiptId: failure.receiptId },
      `public log check failed: ${failure.message}`,
    );
    return 'failed';
  }

  /** Steps 1–5 of checker.ts; answers how it ended. Throws LogOffline / NoLog. */
  async function checkOnce(ctx: CheckContext): Promise<'verified' | 'awaiting_witnesses' | 'failed'> {
    const key = await logKey(store, ctx);
    const kept = store.latest(ctx.serverKey);
    const fetched = await fetchCheckpoint(ctx, key.vkey, kept);
    if (!fetched.ok) return fail(ctx, fetched.failure);
    const cp = fetched.value;
    if (kept) {
      const failure = await consistencyFailure(ctx.request, kept, cp);
      if (failure) return fail(ctx, failure);
    }
    const config = store.config();
    const counts = cosignatureCounts(cp.note, cp.checkpoint.origin, config.witnesses);
    if (counts.known < config.requiredWitnesses) return 'awaiting_witnesses';
    store.setLatest(ctx.serverKey, {
      origin: cp.checkpoint.origin,
      size: cp.checkpoint.size,
      rootHex: toHex(cp.checkpoint.root),
      note: cp.text,
      verifiedAtMs: ctx.nowMs,
    });
    return (await provePlays(ctx, cp, key.pinnedAtMs)) ? 'failed' : 'verified';
  }

  /** Proves every unchecked settled play; answers how many failed. */
  async function provePlays(ctx: CheckContext, cp: FetchedCheckpoint, pinnedAtMs: number): Promise<number> {
    let failed = 0;
    for (const play of store.unchecked(ctx.serverKey, PLAYS_PER_CHECK)) {
      const verdict = await checkPlay(ctx.request, play, cp, play.answeredAtMs >= pinnedAtMs);
      if (verdict.ok === 'not_yet') continue;
      if (verdict.ok === 'predates') {
        store.markPlay(ctx.serverKey, play.receiptId, 'predates_log', null, null, ctx.nowMs);
      } else if (verdict.ok) {
        store.markPlay(
          ctx.serverKey,
          play.receiptId,
          'in_log',
          verdict.leafIndex,
          cp.checkpoint.size,
          ctx.nowMs,
        );
      } else {
        failed++;
        fail(ctx, verdict.failure);
        store.markPlay(
          ctx.serverKey,
          play.receiptId,
          'failed',
          verdict.failure.leafIndex ?? null,
          null,
          ctx.nowMs,
        );
      }
    }
    return failed;
  }

  async function runCheck(startedAtMs?: number): Promise<void> {
    const serverKey = deps.serverKey();
    const nowMs = deps.clock.nowMs();
    const ctx: CheckContext = { serverKey, request: deps.request, nowMs, startedAtMs: startedAtMs ?? nowMs };
    let outcome: { state: TlogState; error: string | null };
    try {
      const ended = await checkOnce(ctx);
      outcome = { state: ended === 'failed' ? 'warning' : ended, error: null };
    } catch (error) {
      if (error instanceof NoLog) outcome = { state: 'unavailable', error: error.message };
      else if (error instanceof LogOffline) outcome = { state: 'offline', error: error.message };
      else if (error instanceof CallError) outcome = { state: 'unchecked', error: error.message };
      else {
        log.error({ err: error }, 'the public log check broke');
        outcome = { state: 'offline', error: error instanceof Error ? error.message : String(error) };
      }
    }
    last.set(serverKey, { ...outcome, atMs: nowMs });
    emit();
  }

  /** One check at a time; a call while one runs waits for it and then runs its own. */
  async function check(startedAtMs?: number): Promise<void> {
    while (running) await running.catch(() => undefined);
    running = runCheck(startedAtMs).finally(() => {
      running = null;
    });
    await running;
  }

  async function compare(note: string): Promise<void> {
    const serverKey = deps.serverKey();
    const vkey = store.config().logVkey ?? store.pin(serverKey)?.vkey;
    const kept = store.latest(serverKey);
    const keptVerdict = vkey && kept ? verifyCheckpoint(kept.note, vkey) : null;
    if (!kept || !keptVerdict?.ok)
      throw new CallError('conflict', 'This app has not verified a checkpoint of this log yet.');
    const verdict = verifyCheckpoint(note, vkey!);
    if (!verdict.ok)
      throw new CallError('invalid_input', `That checkpoint is not one this log signed: ${verdict.reason}.`);
    const other: FetchedCheckpoint = { text: note, checkpoint: verdict.checkpoint, note: verdict.note };
    const mine: FetchedCheckpoint = {
      text: kept.note,
      checkpoint: keptVerdict.checkpoint,
      note: keptVerdict.note,
    };
    let failure: NewFailure | null;
    try {
      // The smaller must be a prefix of the larger: the log proves it, or the two are two histories.
      failure =
        other.checkpoint.size >= kept.size
          ? await consistencyFailure(deps.request, kept, other)
          : await consistencyFailure(deps.request, asKept(other), mine);
    } catch (error) {
      if (error instanceof LogOffline)
        throw new CallError('unavailable', `Could not compare with the log: ${error.message}`);
      throw error;
    }
    if (failure)
      store.addFailure(
        serverKey,
        {
          ...failure,
          kind: 'split_view',
          keptNote: kept.note,
          offeredNote: note,
          message: `Another listener's checkpoint of this log cannot be part of the history this app verified: the server shows different histories to different people (${failure.message})`,
        },
        deps.clock.nowMs(),
      );
    emit();
  }

  function exportEvidence(): { path: string; failures: number } {
    const failures = store.evidence();
    const dir = join(deps.dataDir, 'tlog-evidence');
    mkdirSync(dir, { recursive: true });
    const nowMs = deps.clock.nowMs();
    const path = join(dir, `evidence-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}.json`);
    const serverKey = deps.serverKey();
    const body = {
      format: 'resonate/tlog-evidence',
      version: 1,
      exportedAt: new Date(nowMs).toISOString(),
      about:
        'Each failure keeps the checkpoint this app had verified (keptCheckpoint) and the one the server offered (offeredCheckpoint), both signed by the log key (logKey); see docs/transparency-log.md.',
      latest: { serverKey, checkpoint: store.latest(serverKey) },
      failures,
    };
    writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    return { path, failures: failures.length };
  }

  function configure(input: {
    logKey?: string | null;
    witnesses?: string[];
    requiredWitnesses?: number;
  }): void {
    const config = store.config();
    const parsed = (vkey: string, type: number, what: string) => {
      try {
        if (parseVkey(vkey).type === type) return vkey;
      } catch (error) {
        throw new CallError(
          'invalid_input',
          `The ${what} is not a signed-note key: ${(error as Error).message}`,
        );
      }
      throw new CallError(
        'invalid_input',
        `The ${what} is not an Ed25519 ${type === 1 ? 'log' : 'witness'} key.`,
      );
    };
    if (input.logKey !== undefined)
      config.logVkey = input.logKey === null ? null : parsed(input.logKey, 1, 'log key');
    if (input.witnesses !== undefined)
      config.witnesses = input.witnesses.map((w) => parsed(w, 4, 'witness key'));
    if (input.requiredWitnesses !== undefined) config.requiredWitnesses = input.requiredWitnesses;
    if (config.requiredWitnesses > config.witnesses.length)
      throw new CallError(
        'invalid_input',
        `${config.requiredWitnesses} cosignatures are required but ${config.witnesses.length} witness keys are known.`,
      );
    store.setConfig(config);
    emit();
  }

  const handlers: { [N in TlogCallName]: CallHandler<N> } = {
    'tlog.status': () => status(),
    'tlog.check': async () => {
      await check();
      return status();
    },
    'tlog.plays': ({ receiptIds }) => ({ plays: store.plays(deps.serverKey(), receiptIds) }),
    'tlog.compare': async ({ checkpoint }) => {
      await compare(checkpoint);
      return status();
    },
    'tlog.configure': (input) => {
      configure(input);
      return status();
    },
    'tlog.exportEvidence': () => exportEvidence(),
  };

  return {
    handlers,
    store,
    status,
    /** The sync domain's hook: a check after each successful sync. Never throws. */
    afterSync: (info: { startedAtMs: number }) => check(info.startedAtMs),
    check: () => check(),
    /** The log key this app trusts for the server in use: configured, pinned, else learned now and pinned. Throws when the log cannot be reached. */
    trustedKey: async (): Promise<string> => {
      const nowMs = deps.clock.nowMs();
      const ctx = { serverKey: deps.serverKey(), request: deps.request, nowMs, startedAtMs: nowMs };
      return (await logKey(store, ctx)).vkey;
    },
    /** The latest checkpoint this app verified (with the witnesses it requires) for the server in use. */
    kept: () => store.latest(deps.serverKey()),
  };
}

export type TlogDomain = ReturnType<typeof createTlogDomain>;
