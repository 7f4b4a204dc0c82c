import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EarningsReport } from '../../../src/shared/earnings-report';
import { tempDir } from '../server/harness';
import { syncedPlays, useServerWithRelease } from '../sync/server-with-release';
import { withoutPlay } from './cheating-report';

/**
 * Artists' reports bound to the public log: a version-3 report names the
 * checkpoint it covers and each play's leaf; `cli verify-report --log`
 * recomputes the artist's plays and totals from the log's leaves, so a
 * report that leaves out a play the log has — which the report's own
 * signatures and sums cannot show — is caught.
 */
const ROOT = resolve(import.meta.dirname, '../../..');

async function verifyReport(report: unknown, args: string[]): Promise<{ code: number; answer: any }> {
  const file = join(tempDir('resonate-report-'), 'report.json');
  writeFileSync(file, JSON.stringify(report));
  const cli = [join(ROOT, 'src/cli/index.ts'), 'verify-report', file, '--json', ...args];
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', ...cli], {
      cwd: ROOT,
    });
    return { code: 0, answer: JSON.parse(stdout) };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, answer: JSON.parse(e.stdout) };
  }
}

describe('earnings reports bound to the public log', () => {
  const env = useServerWithRelease({ seconds: [60, 60], artist: 'Report Artist', title: 'Report Tests' });
  let report: EarningsReport;

  beforeAll(async () => {
    // Two listeners, three plays: the report has several lines and the log other leaves (vouchers) in between.
    await syncedPlays(env, [[env.trackIds[0]!, env.trackIds[1]!], [env.trackIds[0]!]]);
    report = (await env.admin.get(`/v1/artists/${env.artistId}/earnings/report?pseudonyms=stable`)).body;
  });

  it('names the checkpoint it covers and the leaf of every play, and verifies against the log', async () => {
    expect(report.version).toBe(3);
    expect(report.plays).toHaveLength(3);
    expect(report.log!.checkpoint).toMatch(/^localhost\/resonate-log\n\d+\n/);
    for (const play of report.plays) {
      const answer = await fetch(
        `${env.server.url}/v1/log/proof/inclusion?receiptId=${play.signed.receipt.id}`,
      );
      const proof = (await answer.json()) as { index: number };
      expect(play.leafIndex).toBe(proof.index);
    }
    const { code, answer } = await verifyReport(report, ['--log', env.server.url]);
    expect(answer.log).toMatchObject({ ok: true, mismatches: [] });
    expect(answer.log.logTotals).toEqual(report.totals);
    expect(code).toBe(0);
  });

  it('catches a report that leaves out a play present in the log, which the report alone cannot show', async () => {
    // The listener's last play of a track: its removal leaves no gap in the play indexes the report shows.
    const last = report.plays.findLastIndex((p) => p.signed.receipt.trackId === env.trackIds[1]);
    const cheating = withoutPlay(report, last);
    const alone = await verifyReport(cheating, []);
    expect(alone).toMatchObject({ code: 0, answer: { ok: true } });
    const bound = await verifyReport(cheating, ['--log', env.server.url]);
    expect(bound.code).toBe(1);
    expect(bound.answer.ok).toBe(false);
    const kinds = bound.answer.log.mismatches.map((m: { kind: string }) => m.kind);
    expect(kinds).toContain('missing_from_report');
    expect(kinds).toContain('totals_differ_from_log');
    expect(
      bound.answer.log.mismatches.find((m: { kind: string }) => m.kind === 'missing_from_report').leafIndex,
    ).toBe(report.plays[last]!.leafIndex);
  });

  it('catches a play line that differs from its leaf, and a checkpoint not signed by the pinned log key', async () => {
    const changed = structuredClone(report);
    changed.plays[0]!.leafIndex = changed.plays[1]!.leafIndex; // two lines claiming one leaf
    const differs = await verifyReport(changed, ['--log', env.server.url]);
    expect(differs.code).toBe(1);
    expect(differs.answer.log.mismatches.map((m: { kind: string }) => m.kind)).toContain('differs_from_log');

    const otherKey = 'localhost/resonate-log+00000000+AQ' + 'A'.repeat(41) + '=';
    const forged = await verifyReport(report, ['--log', env.server.url, '--log-key', otherKey]);
    expect(forged.code).toBe(1);
    expect(forged.answer.log.mismatches[0].kind).toBe('log_checkpoint');
  });
});
