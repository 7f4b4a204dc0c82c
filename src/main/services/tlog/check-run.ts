import { CallError } from '../../../shared/contract/define';
import type { TlogState } from '../../../shared/contract/tlog';
import { toHex } from '../../../shared/tlog';
import {
  checkPlay,
  consistencyFailure,
  cosignatureCounts,
  fetchCheckpoint,
  logKey,
  LogOffline,
  NoLog,
  PLAYS_PER_CHECK,
  type CheckContext,
  type CheckState,
  type FetchedCheckpoint,
} from './checker';
import { emitStatus } from './status';
import { recordFailure, type TlogParts } from './tlog-parts';

/** A check's context for the server in use, now. */
function contextNow(p: TlogParts, startedAtMs?: number): CheckContext {
  const serverKey = p.deps.serverKey();
  const nowMs = p.deps.clock.nowMs();
  return { serverKey, request: p.deps.request, nowMs, startedAtMs: startedAtMs ?? nowMs };
}

/** Proves every unchecked settled play; answers how many failed. */
async function provePlays(
  p: TlogParts,
  ctx: CheckContext,
  cp: FetchedCheckpoint,
  pinnedAtMs: number,
): Promise<number> {
  const { store } = p;
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
      recordFailure(p, ctx, verdict.failure);
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

/** Steps 1–5 of checker.ts; answers how it ended. Throws LogOffline / NoLog. */
async function checkOnce(p: TlogParts, ctx: CheckContext): Promise<CheckState> {
  const { store } = p;
  const key = await logKey(store, ctx);
  const kept = store.latest(ctx.serverKey);
  const fetched = await fetchCheckpoint(ctx, key.vkey, kept);
  if (!fetched.ok) return recordFailure(p, ctx, fetched.failure);
  const cp = fetched.value;
  if (kept) {
    const failure = await consistencyFailure(ctx.request, kept, cp);
    if (failure) return recordFailure(p, ctx, failure);
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
  return (await provePlays(p, ctx, cp, key.pinnedAtMs)) ? 'failed' : 'verified';
}

/** How a check that threw ended, as the status tells it: no log, offline, signed out, or broken. */
function thrownOutcome(p: TlogParts, error: unknown): { state: TlogState; error: string | null } {
  if (error instanceof NoLog) return { state: 'unavailable', error: error.message };
  if (error instanceof LogOffline) return { state: 'offline', error: error.message };
  if (error instanceof CallError) return { state: 'unchecked', error: error.message };
  p.log.error({ err: error }, 'the public log check broke');
  return { state: 'offline', error: error instanceof Error ? error.message : String(error) };
}

/** One check; never throws: how it ended is kept per server and emitted. */
async function runCheck(p: TlogParts, startedAtMs?: number): Promise<void> {
  const ctx = contextNow(p, startedAtMs);
  let outcome: { state: TlogState; error: string | null };
  try {
    const ended = await checkOnce(p, ctx);
    outcome = { state: ended === 'failed' ? 'warning' : ended, error: null };
  } catch (error) {
    outcome = thrownOutcome(p, error);
  }
  p.last.set(ctx.serverKey, { ...outcome, atMs: ctx.nowMs });
  emitStatus(p);
}

/** `tlog.check` and the after-sync hook: one check at a time; a call while one runs waits for it and then runs its own. */
export async function check(p: TlogParts, startedAtMs?: number): Promise<void> {
  while (p.running) await p.running.catch(() => undefined);
  const running = runCheck(p, startedAtMs).finally(() => {
    p.running = null;
  });
  p.running = running;
  await running;
}

/** The log key this app trusts for the server in use: configured, pinned, else learned now and pinned. Throws when the log cannot be reached. */
export async function trustedKey(p: TlogParts): Promise<string> {
  return (await logKey(p.store, contextNow(p))).vkey;
}
