import { readFile } from 'node:fs/promises';
import { formatCredits } from '../../shared/pricing';
import { verifyEarningsReport, verifyEarningsReportChain } from '../../node/report-verifier';
import { parseCommandArgs, printJson, type CliCommand } from '../command';

/**
 * `verify-report <file> [--json]`: checks an earnings report downloaded from
 * the server (docs/earnings-report.md) on this machine, trusting nothing in
 * it but the listeners' device signatures. Exit 0: everything verified;
 * 1: a mismatch; 2: the file could not be read or is not a report.
 */
const tenThousandths = (n: number) => `${Math.floor(n / 10000)}.${String(n % 10000).padStart(4, '0')}`;

export const verifyReportCommand: CliCommand = {
  name: 'verify-report',
  summary: 'verify-report <file> [<next-period file> …] [--json]: check an earnings report\'s signatures, prices, splits and totals',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
    if (positionals.length === 0) throw new Error('Usage: verify-report <file> [<next-period file> …] [--json]');
    const inputs: unknown[] = [];
    for (const file of positionals) {
      try {
        inputs.push(JSON.parse(await readFile(file, 'utf8')));
      } catch (error) {
        const message = `cannot read ${file} as JSON: ${(error as Error).message}`;
        if (values.json) printJson({ ok: false, receipts: 0, verified: 0, mismatches: [{ kind: 'malformed', message }] });
        else process.stderr.write(`${message}\n`);
        return 2;
      }
    }
    if (inputs.length > 1) {
      // Consecutive periods: each report alone, and each one's opening states against the ones before.
      const chain = verifyEarningsReportChain(inputs);
      if (values.json) printJson(chain);
      else for (const m of chain.chain) process.stdout.write(`  ${m.kind}: ${m.message}\n`);
      if (chain.reports.some((r) => r.mismatches.some((m) => m.kind === 'malformed'))) return 2;
      return chain.ok ? 0 : 1;
    }
    const result = verifyEarningsReport(inputs[0]);
    if (values.json) printJson(result);
    else {
      const t = result.totals;
      process.stdout.write(
        `${result.ok ? 'VERIFIED' : 'MISMATCH'}: ${result.verified}/${result.receipts} receipt signatures verified\n` +
          `plays ${t.plays} (paid ${t.paidPlays}, free ${t.freePlays}, unpaid ${t.unpaidPlays}), purchases ${t.purchases}\n` +
          `credits spent ${formatCredits(t.creditsSpentThousandths)}, artist share ${tenThousandths(t.artistShareTenThousandths)}, co-op share ${tenThousandths(t.coopShareTenThousandths)}\n`,
      );
      for (const m of result.mismatches) process.stdout.write(`  ${m.kind}: ${m.message}\n`);
    }
    if (result.mismatches.some((m) => m.kind === 'malformed')) return 2;
    return result.ok ? 0 : 1;
  },
};
