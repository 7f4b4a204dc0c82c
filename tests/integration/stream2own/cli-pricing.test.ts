import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pricingTable } from '../../../src/shared/pricing';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('cli pricing --json', () => {
  it('prints the price table as JSON', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'pricing', '--json'], {
      cwd: root,
      encoding: 'utf8',
    });
    const table = JSON.parse(out) as unknown;
    expect(table).toEqual(pricingTable());
    expect((table as { cumulativeThousandths: number }[]).at(-1)?.cumulativeThousandths).toBe(1022);
  });
});
