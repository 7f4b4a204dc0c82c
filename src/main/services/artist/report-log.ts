import type { ReportLogVerdict } from '../../../shared/contract/artist';
import { earningsReportSchema, emptyTotals } from '../../../shared/earnings-report';
import { checkReportWithLog, type LogGet } from '../../../shared/report-log';
import {
  equalBytes,
  fromHex,
  hashFromBase64,
  verifyCheckpoint,
  verifyConsistency,
} from '../../../shared/tlog';

/**
 * The Earnings view's check of a downloaded report against the public log
 * itself (issue 14.5), run in the main process with the same code as
 * `verify-report --log` (src/shared/report-log.ts): the leaves of the
 * checkpoint the report names are fetched, and the artist's plays and totals
 * recomputed from them. With the log key this app trusts (the tlog domain's:
 * configured, or pinned on first contact), and — when this app keeps a
 * checkpoint it verified — the report's checkpoint must be of the same
 * history (a server showing the artist another tree than its listeners is
 * caught here).
 */
export interface ReportLogDeps {
  get: LogGet;
  /** The log key this app trusts for the server; throws when it cannot be had. */
  trustedKey?: () => Promise<string>;
  /** The latest checkpoint this app verified for the server, if any. */
  kept?: () => { size: number; rootHex: string } | null;
}

const MAX_LISTED = 50;

/** A difference: the shared check's kinds, and `not_the_history_this_app_verified`. */
interface Mismatch {
  kind: string;
  message: string;
  leafIndex?: number;
}

async function askedKey(get: LogGet): Promise<string> {
  const answer = await get('/v1/log/key');
  const vkey = answer.status === 200 ? (JSON.parse(answer.text) as { vkey?: unknown }).vkey : undefined;
  if (typeof vkey !== 'string') throw new Error(`the log key answer was ${answer.status}`);
  return vkey;
}

/** Null when the report's checkpoint and the kept one are of one history; else the difference. */
async function keptHistoryMismatch(
  get: LogGet,
  note: string,
  vkey: string,
  kept: { size: number; rootHex: string },
): Promise<Mismatch | null> {
  const verdict = verifyCheckpoint(note, vkey);
  if (!verdict.ok) return null; // already a log_checkpoint mismatch
  const { size, root } = verdict.checkpoint;
  const keptRoot = fromHex(kept.rootHex);
  const differ = (why: string): Mismatch => ({
    kind: 'not_the_history_this_app_verified',
    message: `The report's checkpoint (${size} entries) is not of the log history this app verified (${kept.size} entries): ${why}. The server shows different histories to different people.`,
  });
  if (size === kept.size)
    return equalBytes(root, keptRoot) ? null : differ('two different trees of one size');
  const [from, to, fromRoot, toRoot] =
    size < kept.size ? [size, kept.size, root, keptRoot] : [kept.size, size, keptRoot, root];
  const answer = await get(`/v1/log/proof/consistency?from=${from}&to=${to}`);
  if (answer.status !== 200)
    return differ(`the log refused to prove one extends the other (${answer.status})`);
  try {
    const proof = ((JSON.parse(answer.text) as { proof?: string[] }).proof ?? []).map((p) =>
      hashFromBase64(p, 'a proof hash'),
    );
    const check = verifyConsistency(from, to, fromRoot, toRoot, proof);
    return check.ok ? null : differ(check.reason);
  } catch (error) {
    return differ(`the consistency proof is malformed (${(error as Error).message})`);
  }
}

/** The report (as downloaded) against the log; null when it names no checkpoint. Never throws. */
export async function checkReportInLog(
  value: unknown,
  deps: ReportLogDeps,
): Promise<ReportLogVerdict | null> {
  const parsed = earningsReportSchema.safeParse(value);
  if (parsed.success && !parsed.data.log) return null;
  let vkey: string;
  try {
    vkey = deps.trustedKey ? await deps.trustedKey() : await askedKey(deps.get);
  } catch (error) {
    const message = `could not learn the log key from the co-op server: ${error instanceof Error ? error.message : String(error)}`;
    return {
      ok: false,
      checkpointSize: null,
      artistLeaves: 0,
      totals: emptyTotals(),
      mismatches: [{ kind: 'log_checkpoint', message, leafIndex: null }],
      mismatchCount: 1,
    };
  }
  const result = await checkReportWithLog(value, deps.get, 'the co-op server', vkey);
  const mismatches: Mismatch[] = [...result.mismatches];
  const kept = deps.kept?.();
  if (kept && parsed.success && parsed.data.log && result.checkpointSize !== null) {
    try {
      const differ = await keptHistoryMismatch(deps.get, parsed.data.log.checkpoint, vkey, kept);
      if (differ) mismatches.unshift(differ);
    } catch (error) {
      mismatches.push({
        kind: 'log_leaves',
        message: `could not compare with the checkpoint this app verified: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  return {
    ok: mismatches.length === 0,
    checkpointSize: result.checkpointSize,
    artistLeaves: result.logTotals.plays + result.logTotals.purchases,
    totals: result.logTotals,
    mismatches: mismatches
      .slice(0, MAX_LISTED)
      .map((m) => ({ kind: m.kind, message: m.message, leafIndex: m.leafIndex ?? null })),
    mismatchCount: mismatches.length,
  };
}
