import { earningsReportSchema } from '../shared/earnings-report';
import { verifyReportAgainstLog, type ReportLogResult } from '../shared/report-log';

/**
 * `verify-report --log <url>`: fetches the public log's key (unless given
 * with `--log-key`, which an auditor should pin out of band) and the leaves of
 * the checkpoint the report names, and checks the report against them
 * (src/shared/report-log.ts). Every failure is an answer, never a throw.
 */
const PAGE = 1000;

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

export async function checkReportAgainstLog(
  value: unknown,
  logUrl: string,
  logKey: string | undefined,
): Promise<ReportLogResult> {
  const broken = (message: string): ReportLogResult => ({
    ok: false,
    checkpointSize: null,
    logTotals: {
      plays: 0,
      paidPlays: 0,
      freePlays: 0,
      unpaidPlays: 0,
      purchases: 0,
      creditsSpentThousandths: 0,
      artistShareTenThousandths: 0,
      coopShareTenThousandths: 0,
    },
    mismatches: [{ kind: 'log_checkpoint', message }],
  });
  const parsed = earningsReportSchema.safeParse(value);
  if (!parsed.success) return broken('not an earnings report');
  const report = parsed.data;
  if (!report.log)
    return broken(
      `a version ${report.version} report names no log checkpoint; export it again from a server with its log on`,
    );
  const base = logUrl.replace(/\/+$/, '');
  try {
    const vkey = logKey ?? ((await getJson(`${base}/v1/log/key`)) as { vkey: string }).vkey;
    const leaves: Array<{ index: number; leaf: string }> = [];
    for (let start = 0; start < report.log.size; start += PAGE) {
      const end = Math.min(report.log.size, start + PAGE);
      const page = (await getJson(`${base}/v1/log/leaves?start=${start}&end=${end}`)) as {
        leaves: Array<{ index: number; leaf: string }>;
      };
      leaves.push(...page.leaves.map((l) => ({ index: l.index, leaf: l.leaf })));
    }
    return verifyReportAgainstLog(report, vkey, leaves);
  } catch (error) {
    return {
      ...broken(
        `could not read the log at ${base}: ${error instanceof Error ? error.message : String(error)}`,
      ),
      mismatches: [
        {
          kind: 'log_leaves',
          message: `could not read the log at ${base}: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
}
