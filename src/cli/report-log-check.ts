import { checkReportWithLog, type ReportLogResult } from '../shared/report-log';

/**
 * `verify-report --log <url>`: fetches the public log's key (unless given
 * with `--log-key`, which an auditor should pin out of band) and the leaves of
 * the checkpoint the report names, and checks the report against them
 * (src/shared/report-log.ts, which the app's Earnings view runs too). Every
 * failure is an answer, never a throw.
 */
export async function checkReportAgainstLog(
  value: unknown,
  logUrl: string,
  logKey: string | undefined,
): Promise<ReportLogResult> {
  const base = logUrl.replace(/\/+$/, '');
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(30_000) });
    return { status: response.status, text: await response.text() };
  };
  return checkReportWithLog(value, get, base, logKey);
}
