import type { TlogStatus } from '../../../shared/contract/tlog';
import { verifyCheckpoint } from '../../../shared/tlog';
import { cosignatureCounts } from './checker';
import type { KeptCheckpoint, TlogConfig } from './tlog-store';
import { trustedVkey, type TlogParts } from './tlog-parts';

/** The kept checkpoint's cosignatures: all, and those of the witnesses the user named. */
function keptCosignatures(
  kept: KeptCheckpoint | null,
  vkey: string | undefined,
  config: TlogConfig,
): { all: number; known: number } {
  if (!kept) return { all: 0, known: 0 };
  const verdict = verifyCheckpoint(kept.note, vkey ?? '');
  if (!verdict.ok) return { all: 0, known: 0 };
  return cosignatureCounts(verdict.note, verdict.checkpoint.origin, config.witnesses);
}

/** `tlog.status`: the state of the server in use's log as this app last checked it. */
export function tlogStatus(p: TlogParts): TlogStatus {
  const { store } = p;
  const serverKey = p.deps.serverKey();
  const config = store.config();
  const vkey = trustedVkey(p, config, serverKey);
  const kept = store.latest(serverKey);
  const failures = store.failures(serverKey);
  const outcome = p.last.get(serverKey);
  const counts = keptCosignatures(kept, vkey, config);
  return {
    // A failure ever recorded for this server outranks how the last check ended: the server was caught once.
    state: failures.length ? 'warning' : (outcome?.state ?? (kept ? 'verified' : 'unchecked')),
    serverKey,
    logKey: vkey ?? null,
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

/** Tells the renderer the new status; a broken listener must not break the check that changed it. */
export function emitStatus(p: TlogParts): void {
  try {
    p.deps.events.emit('tlog.changed', tlogStatus(p));
  } catch (error) {
    p.log.error({ err: error }, 'could not emit the log status');
  }
}
