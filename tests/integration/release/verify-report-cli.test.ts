import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../../unit/release/report-builder';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'verify-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(file: string): Promise<{ code: number; json: Record<string, unknown> }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'verify-report', file, '--json']);
    return { code: 0, json: JSON.parse(stdout) as Record<string, unknown> };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, json: JSON.parse(e.stdout) as Record<string, unknown> };
  }
}

describe('cli verify-report', () => {
  it('prints the verified totals of a clean report and exits 0; a tampered one exits 1', async () => {
    const { report } = sampleReport();
    const clean = join(dir, 'clean.json');
    writeFileSync(clean, JSON.stringify(report, null, 2));
    const ok = await cli(clean);
    console.info(`verify-report ${JSON.stringify(ok.json)}`);
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, receipts: 10, verified: 10, mismatches: [] });

    report.plays[3]!.signed.receipt.countedAt = report.plays[3]!.signed.receipt.countedAt.replace(/\.\d{3}Z$/, '.999Z');
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(report));
    const bad = await cli(tampered);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ ok: false, verified: 9, mismatches: [{ kind: 'bad_signature' }] });
  }, 60_000);

  it('exits 2 for a file that is not a report', async () => {
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"hello":');
    expect((await cli(junk)).code).toBe(2);
  }, 30_000);
});
