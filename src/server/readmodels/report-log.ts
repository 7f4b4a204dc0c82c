import { EARNINGS_REPORT_LOG_VERSION, type EarningsReport } from '../../shared/earnings-report';
import type { ServerContext } from '../context';
import { toInt } from '../db/transaction';
import { withTlog } from '../tlog/schema';

/** What the report binding needs of the transparency log (src/server/tlog/log.ts). */
export interface ReportLog {
  latestCheckpoint(): Promise<{ size: number; note: string }>;
}

/**
 * Binds an earnings report to the public log (version 3,
 * docs/earnings-report.md "Bound to the log"): each play gets its leaf index,
 * and the report names the latest signed checkpoint, taken after the report's
 * snapshot, so it covers every leaf of the period (a play whose leaf is not
 * below it is an error, not a report). Without a log (switched
 * off, or a play settled before it existed) the report stays as it was.
 */
export async function bindReportToLog(
  ctx: ServerContext,
  log: ReportLog | undefined,
  report: EarningsReport,
): Promise<EarningsReport> {
  if (!log || !ctx.config.transparencyLog.enabled) return report;
  // First the checkpoint: it covers every leaf committed by now, so every play of the report's snapshot.
  const checkpoint = await log.latestCheckpoint();
  const ids = report.plays.map((p) => p.signed.receipt.id);
  const indexOf = new Map<string, number>();
  const db = withTlog(ctx.store.db);
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('tlog_leaves')
      .select(['idx', 'receipt_id'])
      .where('receipt_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) indexOf.set(r.receipt_id!, toInt(r.idx));
  }
  if (ids.some((id) => !indexOf.has(id))) return report;
  const plays = report.plays.map((p) => ({ ...p, leafIndex: indexOf.get(p.signed.receipt.id)! }));
  if (plays.some((p) => p.leafIndex >= checkpoint.size))
    throw new Error('transparency log invariant broken: a settled play is beyond the latest checkpoint');
  return {
    ...report,
    version: EARNINGS_REPORT_LOG_VERSION,
    plays,
    log: { checkpoint: checkpoint.note, size: checkpoint.size },
  };
}
