import { DEFAULT_EURO_RATE, formatCredits, formatEuros, pricingTable } from '../../shared/pricing';
import { parseCommandArgs, printJson, type CliCommand } from '../command';

/** `cli pricing [--json]`: the stream-to-own price table, from the one pricing module. */
export const pricingCommand: CliCommand = {
  name: 'pricing',
  summary: 'Prints the stream-to-own price table (--json: [{play, priceThousandths, cumulativeThousandths}])',
  async run(argv) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean', default: false } });
    const table = pricingTable();
    if (values.json) {
      printJson(table);
      return 0;
    }
    const lines = table.map(
      (r) =>
        `${String(r.play).padStart(4)}  ${formatCredits(r.priceThousandths).padStart(7)}  ${formatCredits(r.cumulativeThousandths).padStart(7)}  ${formatEuros(r.priceThousandths, DEFAULT_EURO_RATE, 4).padStart(8)}`,
    );
    process.stdout.write(`play  credits    total    euros\n${lines.join('\n')}\n`);
    return 0;
  },
};
