import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ParsedCallInput } from '../../../shared/contract';
import type { ReportLogVerdict, ReportVerdict } from '../../../shared/contract/artist';
import { CallError } from '../../../shared/contract/define';
import { earnings } from '../../../shared/server-api';
import { verifyEarningsReport, type VerificationResult } from '../../../node/report-verifier';
import type { ArtistParts } from './artist-parts';
import { checkReportInLog } from './report-log';
import { errorFromAnswer, sendSpec } from './server-answer';

/**
 * `artist.exportReport`: the audit report downloaded, saved as the server
 * sent it, and verified in-process with the same verifier as
 * `npm run cli -- verify-report` (and against the public log, as `--log` does).
 */

export type ExportReportInput = ParsedCallInput<'artist.exportReport'>;

export function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** The report as JSON, checked to be the object the spec says; the verifier reads it as parsed. */
function reportOf(text: string): unknown {
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new CallError('unavailable', 'The server answered a report that is not JSON.');
  }
  if (!earnings.earningsReport.answer.safeParse(report).success)
    throw new CallError('unavailable', 'The server answered a report that is not a JSON object.');
  return report;
}

/** The report's text as the server answered it; a refusal or network trouble is the matching CallError. */
async function downloadReport(p: ArtistParts, input: ExportReportInput): Promise<string> {
  const action = 'download the earnings report';
  const answer = await sendSpec(
    p.deps.request,
    earnings.earningsReport,
    {
      params: { id: input.artistId },
      query: { from: input.from, to: input.to, pseudonyms: input.stablePseudonyms ? 'stable' : undefined },
    },
    action,
  );
  if (answer.status !== 200) throw errorFromAnswer(answer, action);
  return answer.text;
}

/** Writes `text` at `target` (folders made); a failure is an 'unavailable' CallError naming the path. */
async function saveReport(target: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(target), { recursive: true });
    // As the server sent it, byte for byte: the verifier and the artist read the same file.
    await writeFile(target, text);
  } catch (error) {
    throw new CallError(
      'unavailable',
      `Could not write ${target}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The verifier's verdict as the contract's: at most 50 mismatches listed, all counted, and the command to rerun it. */
function verdictView(
  target: string,
  text: string,
  verdict: VerificationResult,
  inLog: ReportLogVerdict | null,
): ReportVerdict {
  return {
    path: target,
    bytes: Buffer.byteLength(text),
    ok: verdict.ok,
    receipts: verdict.receipts,
    verified: verdict.verified,
    totals: verdict.totals,
    log: inLog,
    claims: verdict.claims,
    mismatches: verdict.mismatches.slice(0, 50).map((m) => ({ kind: m.kind, message: m.message })),
    mismatchCount: verdict.mismatches.length,
    command: `npm run --silent cli -- verify-report ${shellQuote(target)} --json`,
  };
}

/** Nothing is written unless the server's answer is a report; the verdict is of the very bytes written. */
export async function exportReport(p: ArtistParts, input: ExportReportInput): Promise<ReportVerdict> {
  const target = isAbsolute(input.path) ? input.path : resolve(homedir(), input.path);
  const text = await downloadReport(p, input);
  const report = reportOf(text);
  await saveReport(target, text);
  const verdict = verifyEarningsReport(report);
  // And against the public log itself, as `verify-report --log` does.
  const inLog = await checkReportInLog(report, { get: (path) => p.deps.request('GET', path), ...p.deps.log });
  p.log.info(
    { path: target, ok: verdict.ok, receipts: verdict.receipts, inLog: inLog?.ok ?? null },
    'earnings report saved and verified',
  );
  return verdictView(target, text, verdict, inLog);
}
