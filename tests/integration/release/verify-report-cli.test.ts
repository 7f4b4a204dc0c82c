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

async function cli(
  file: string | string[],
  options: string[] = ['--json'],
): Promise<{ code: number; json: Record<string, unknown>; lines: number }> {
  const files = Array.isArray(file) ? file : [file];
  let code = 0;
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [
      '--import',
      'tsx',
      'src/cli/index.ts',
      'verify-report',
      ...files,
      ...options,
    ]));
  } catch (error) {
    ({ code, stdout } = error as { code: number; stdout: string });
  }
  // Exactly one line of JSON, whatever the input.
  return {
    code,
    json: JSON.parse(stdout) as Record<string, unknown>,
    lines: stdout.trim().split('\n').length,
  };
}

const write = (name: string, content: string) => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
};

describe('cli verify-report', () => {
  it('prints the verified totals of a clean report and exits 0; a tampered one exits 1', async () => {
    const { report } = sampleReport();
    const clean = join(dir, 'clean.json');
    writeFileSync(clean, JSON.stringify(report, null, 2));
    const ok = await cli(clean);
    console.info(`verify-report ${JSON.stringify(ok.json)}`);
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, receipts: 10, verified: 10, mismatches: [] });

    report.plays[3]!.signed.receipt.countedAt = report.plays[3]!.signed.receipt.countedAt.replace(
      /\.\d{3}Z$/,
      '.999Z',
    );
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

  // Crafted receipts (issue 12.7): these made the verifier throw, and the CLI exit 1 with a bare message.
  for (const durationMs of [0, -1, 1e300, 1.5]) {
    it(`answers {"ok":false} as JSON and exits 2 for a receipt with durationMs ${durationMs}`, async () => {
      const { report } = sampleReport();
      report.plays[0]!.signed.receipt.durationMs = durationMs;
      const answer = await cli(write(`duration-${durationMs}.json`, JSON.stringify(report)));
      expect(answer.lines).toBe(1);
      expect(answer.code).toBe(2);
      expect(answer.json).toMatchObject({
        ok: false,
        mismatches: expect.arrayContaining([
          expect.objectContaining({ kind: 'malformed', field: 'plays.0.signed.receipt.durationMs' }),
        ]),
      });
    }, 30_000);
  }

  it('answers JSON for every input that is not a report: not JSON, wrong shapes, a missing file, a wrong option, no file', async () => {
    const cases: Array<[string, Promise<Awaited<ReturnType<typeof cli>>>]> = [
      ['not JSON', cli(write('not-json.json', 'not json at all \u0000'))],
      ['null', cli(write('null.json', 'null'))],
      ['an array', cli(write('array.json', '[1,2,3]'))],
      ['a string', cli(write('string.json', '"report"'))],
      ['deep nesting', cli(write('deep.json', '['.repeat(100_000) + ']'.repeat(100_000)))],
      ['a missing file', cli(join(dir, 'does-not-exist.json'))],
      ['a wrong option', cli(write('opt.json', '{}'), ['--json', '--frobnicate'])],
      ['no file', cli([], ['--json'])],
    ];
    for (const [name, pending] of cases) {
      const answer = await pending;
      expect(answer.lines, name).toBe(1);
      expect(answer.code, name).toBe(2);
      expect(answer.json, name).toMatchObject({
        ok: false,
        mismatches: [expect.objectContaining({ kind: 'malformed', message: expect.any(String) })],
      });
    }
  }, 60_000);

  it('chains: an unreadable file among several is answered per file, as JSON, exit 2', async () => {
    const { report } = sampleReport();
    const good = write('chain-good.json', JSON.stringify(report));
    const answer = await cli([good, join(dir, 'chain-missing.json')]);
    expect(answer.code).toBe(2);
    expect(answer.json).toMatchObject({
      ok: false,
      reports: [{ ok: true }, { ok: false, mismatches: [{ kind: 'malformed' }] }],
    });
  }, 30_000);
});
