import { readFile } from 'node:fs/promises';
import { formatCredits } from '../../shared/pricing';
import {
  unreadableReport,
  verifyEarningsReport,
  verifyEarningsReportChain,
  type VerificationResult,
} from '../../node/report-verifier';
import { parseCommandArgs, printJson, type CliCommand } from '../command';
import { checkReportAgainstLog } from '../report-log-check';

/**
 * `verify-report <file> [<next-period file> …] [--json]`: checks an earnings
 * report downloaded from the server (docs/earnings-report.md) on this
 * machine, trusting nothing in it but the listeners' device signatures.
 *
 * Every input gets an answer, with `--json` always one JSON line
 * (`{"ok":false,…,"mismatches":[{"kind":"malformed",…}]}` for what is not a
 * report: not JSON, a missing file, a wrong shape, numbers out of range, a
 * wrong option). Exit 0: everything verified; 1: a report was read and
 * something in it does not verify; 2: a file could not be read or is not a
 * report (or the command line is wrong). Never 0 for a report that did not
 * verify.
 */
const tenThousandths = (n: number) => `${Math.floor(n / 10000)}.${String(n % 10000).padStart(4, '0')}`;
const USAGE =
  'Usage: verify-report <file> [<next-period file> …] [--json] [--log <server url> [--log-key <vkey>]]';

class Unreadable extends Error {}

type Input = { ok: true; value: unknown } | { ok: false; message: string };

async function readReport(file: string): Promise<Input> {
  try {
    return { ok: true, value: JSON.parse(await readFile(file, 'utf8')) as unknown };
  } catch (error) {
    return {
      ok: false,
      message: `cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

const isMalformed = (r: VerificationResult) => r.mismatches.some((m) => m.kind === 'malformed');

function printSummary(result: VerificationResult): void {
  const t = result.totals;
  process.stdout.write(
    `${result.ok ? 'VERIFIED' : 'MISMATCH'}: ${result.verified}/${result.receipts} receipt signatures verified\n` +
      `plays ${t.plays} (paid ${t.paidPlays}, free ${t.freePlays}, unpaid ${t.unpaidPlays}), purchases ${t.purchases}\n` +
      `credits spent ${formatCredits(t.creditsSpentThousandths)}, artist share ${tenThousandths(t.artistShareTenThousandths)}, co-op share ${tenThousandths(t.coopShareTenThousandths)}\n`,
  );
  for (const m of result.mismatches) process.stdout.write(`  ${m.kind}: ${m.message}\n`);
}

async function verify(argv: string[], json: boolean): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandArgs(argv, {
      json: { type: 'boolean' },
      log: { type: 'string' },
      'log-key': { type: 'string' },
    });
  } catch (error) {
    throw new Unreadable(`${(error as Error).message}. ${USAGE}`);
  }
  const files = parsed.positionals;
  if (files.length === 0) throw new Unreadable(USAGE);
  const inputs = await Promise.all(files.map(readReport));

  if (files.length === 1) {
    const input = inputs[0]!;
    const result = input.ok
      ? verifyEarningsReport(input.value)
      : unreadableReport([{ kind: 'malformed', message: input.message }]);
    // --log: the report is also recomputed from the public log's leaves (docs/earnings-report.md "Bound to the log").
    const log =
      input.ok && parsed.values.log && !isMalformed(result)
        ? await checkReportAgainstLog(input.value, parsed.values.log, parsed.values['log-key'])
        : null;
    if (json) printJson(log ? { ...result, ok: result.ok && log.ok, log } : result);
    else {
      printSummary(result);
      if (log) {
        process.stdout.write(
          `log: ${log.ok ? 'MATCHES' : 'MISMATCH'} (checkpoint of ${log.checkpointSize ?? '?'} leaves)\n`,
        );
        for (const m of log.mismatches) process.stdout.write(`  ${m.kind}: ${m.message}\n`);
      }
    }
    return isMalformed(result) ? 2 : result.ok && (log?.ok ?? true) ? 0 : 1;
  }
  // Consecutive periods: each report alone, and each one's opening states against the ones before.
  const readable = inputs.every((i) => i.ok);
  const chain = readable
    ? verifyEarningsReportChain(inputs.map((i) => (i as { value: unknown }).value))
    : {
        ok: false,
        reports: inputs.map((i) =>
          i.ok
            ? verifyEarningsReport(i.value)
            : unreadableReport([{ kind: 'malformed' as const, message: i.message }]),
        ),
        chain: [],
      };
  if (json) printJson(chain);
  else {
    chain.reports.forEach((r, i) => {
      process.stdout.write(`${files[i]}: `);
      printSummary(r);
    });
    for (const m of chain.chain) process.stdout.write(`  ${m.kind}: ${m.message}\n`);
  }
  if (chain.reports.some(isMalformed)) return 2;
  return chain.ok ? 0 : 1;
}

export const verifyReportCommand: CliCommand = {
  name: 'verify-report',
  summary:
    "verify-report <file> [<next-period file> …] [--json]: check an earnings report's signatures, prices, splits and totals",
  async run(argv) {
    const json = argv.includes('--json');
    try {
      return await verify(argv, json);
    } catch (error) {
      // Whatever went wrong, the answer is "not verified", said the same way as a bad report.
      const message = error instanceof Error ? error.message : String(error);
      if (json) printJson(unreadableReport([{ kind: 'malformed', message }]));
      else process.stderr.write(`${message}\n`);
      return 2;
    }
  },
};
