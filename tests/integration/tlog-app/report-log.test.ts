import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { FakeClock } from '../../../src/main/services/core/clock';
import { addPlayToTotals, emptyTotals, type EarningsReport } from '../../../src/shared/earnings-report';
import { freshStore, runCli, signInNewAdmin, tempDir, type Api, type StoreTarget } from '../server/harness';
import { listen, makeApp, makeAudioFolder, serverProcess, type TestApp } from '../sync/support';

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

/** The report without one play, its totals summed again so that it is consistent with itself. */
function withoutPlay(report: EarningsReport, index: number): EarningsReport {
  const plays = report.plays.filter((_, i) => i !== index);
  const dropped = report.plays[index]!;
  const totals = emptyTotals();
  for (const p of plays) addPlayToTotals(totals, p);
  for (const p of report.purchases) {
    totals.purchases++;
    totals.creditsSpentThousandths += p.priceThousandths;
    totals.artistShareTenThousandths += p.artistShareTenThousandths;
    totals.coopShareTenThousandths += p.coopShareTenThousandths;
  }
  const tracks = report.tracks.map((t) => {
    if (t.trackId !== dropped.signed.receipt.trackId) return t;
    const trackTotals = emptyTotals();
    for (const p of plays.filter((p) => p.signed.receipt.trackId === t.trackId))
      addPlayToTotals(trackTotals, p);
    return { ...t, totals: trackTotals };
  });
  return { ...report, plays, totals, tracks };
}

describe('earnings reports bound to the public log', () => {
  let store: StoreTarget;
  let server: Awaited<ReturnType<typeof serverProcess>>;
  let admin: Api;
  let artistId: string;
  let trackIds: string[];
  const apps: TestApp[] = [];
  let report: EarningsReport;

  beforeAll(async () => {
    store = await freshStore('sqlite');
    server = await serverProcess(store);
    const imported = await runCli(store, [
      'import-release',
      makeAudioFolder([60, 60]),
      '--artist',
      'Report Artist',
      '--title',
      'Report Tests',
    ]);
    artistId = imported.artistId;
    trackIds = imported.tracks.map((t: { id: string }) => t.id);
    admin = await signInNewAdmin(store, server.url);
    const codes = (await admin.post('/v1/admin/voucher-batches', { valueThousandths: 5000, count: 2 })).body
      .codes;
    // Two listeners, three plays: the report has several lines and the log other leaves (vouchers) in between.
    for (const [i, tracks] of [[trackIds[0]!, trackIds[1]!], [trackIds[0]!]].entries()) {
      const t = makeApp(server.url, { clock: new FakeClock(1_000, Date.now() - 3_600_000) });
      apps.push(t);
      await t.call('account.signUp', {
        email: `report-${uuidv7()}@example.org`,
        password: 'listener password',
      });
      await t.call('wallet.redeemVoucher', { code: codes[i] });
      for (const track of tracks) expect((await listen(t, track)).counted).toBe(true);
      expect((await t.call('sync.now')).pendingReceipts).toBe(0);
    }
    report = (await admin.get(`/v1/artists/${artistId}/earnings/report?pseudonyms=stable`)).body;
  });
  afterAll(async () => {
    for (const t of apps) await t.app.close();
    await server?.stop();
    await store?.cleanup();
  });

  it('names the checkpoint it covers and the leaf of every play, and verifies against the log', async () => {
    expect(report.version).toBe(3);
    expect(report.plays).toHaveLength(3);
    expect(report.log!.checkpoint).toMatch(/^localhost\/resonate-log\n\d+\n/);
    for (const play of report.plays) {
      const answer = await fetch(`${server.url}/v1/log/proof/inclusion?receiptId=${play.signed.receipt.id}`);
      const proof = (await answer.json()) as { index: number };
      expect(play.leafIndex).toBe(proof.index);
    }
    const { code, answer } = await verifyReport(report, ['--log', server.url]);
    expect(answer.log).toMatchObject({ ok: true, mismatches: [] });
    expect(answer.log.logTotals).toEqual(report.totals);
    expect(code).toBe(0);
  });

  it('catches a report that leaves out a play present in the log, which the report alone cannot show', async () => {
    // The listener's last play of a track: its removal leaves no gap in the play indexes the report shows.
    const last = report.plays.findLastIndex((p) => p.signed.receipt.trackId === trackIds[1]);
    const cheating = withoutPlay(report, last);
    const alone = await verifyReport(cheating, []);
    expect(alone).toMatchObject({ code: 0, answer: { ok: true } });
    const bound = await verifyReport(cheating, ['--log', server.url]);
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
    const differs = await verifyReport(changed, ['--log', server.url]);
    expect(differs.code).toBe(1);
    expect(differs.answer.log.mismatches.map((m: { kind: string }) => m.kind)).toContain('differs_from_log');

    const otherKey = 'localhost/resonate-log+00000000+AQ' + 'A'.repeat(41) + '=';
    const forged = await verifyReport(report, ['--log', server.url, '--log-key', otherKey]);
    expect(forged.code).toBe(1);
    expect(forged.answer.log.mismatches[0].kind).toBe('log_checkpoint');
  });
});
