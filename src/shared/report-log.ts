import {
  addPlayToTotals,
  earningsReportSchema,
  emptyTotals,
  type EarningsReport,
  type EarningsTotals,
} from './earnings-report';
import { receiptSigningBytes } from './receipt';
import {
  correctionProblems,
  equalBytes,
  hashLeafText,
  MerkleTree,
  parseLeaf,
  sha256Bytes,
  toHex,
  verifyCheckpoint,
  type LogLeaf,
} from './tlog';

/**
 * An earnings report (version 3) checked against the public transparency log
 * itself (docs/earnings-report.md "Bound to the log"): the checkpoint it names
 * must be signed by the log key; the leaves an auditor fetched must be exactly
 * that checkpoint's tree; every play line must be the leaf it names; every
 * play and purchase of the artist that the log holds for the period must be
 * in the report; and the totals recomputed from the log's leaves must be the
 * report's. Pure: the caller fetches the leaves (CLI `verify-report --log`).
 */
export type ReportLogMismatchKind =
  | 'log_checkpoint' // the checkpoint is missing, malformed or not signed by the log key
  | 'log_leaves' // the leaves fetched are not the checkpoint's tree
  | 'differs_from_log' // a report line disagrees with its leaf (or names no leaf of the artist)
  | 'missing_from_report' // the log has a play or purchase of the artist in the period that the report leaves out
  | 'totals_differ_from_log'; // the report's totals are not the log's

export interface ReportLogMismatch {
  kind: ReportLogMismatchKind;
  message: string;
  leafIndex?: number;
}

export interface ReportLogResult {
  ok: boolean;
  checkpointSize: number | null;
  /** Recomputed from the log's leaves of this artist and period. */
  logTotals: EarningsTotals;
  mismatches: ReportLogMismatch[];
}

const hexHash = (bytes: Uint8Array) => toHex(sha256Bytes(bytes));

function fail(kind: ReportLogMismatchKind, message: string): ReportLogResult {
  return { ok: false, checkpointSize: null, logTotals: emptyTotals(), mismatches: [{ kind, message }] };
}

/** The leaves 0..size-1 as the checkpoint's tree, parsed; or why not. */
function treeLeaves(
  leaves: ReadonlyArray<{ index: number; leaf: string }>,
  size: number,
  root: Uint8Array,
): { ok: true; leaves: LogLeaf[] } | { ok: false; message: string } {
  if (leaves.length !== size)
    return { ok: false, message: `${leaves.length} leaves for a checkpoint of ${size}` };
  const tree = new MerkleTree();
  const parsed: LogLeaf[] = [];
  for (let i = 0; i < leaves.length; i++) {
    const entry = leaves[i]!;
    if (entry.index !== i) return { ok: false, message: `leaf ${i} is missing (got ${entry.index})` };
    const leaf = parseLeaf(entry.leaf);
    if (!leaf.ok) return { ok: false, message: `leaf ${i} is not a log leaf: ${leaf.problems.join('; ')}` };
    parsed.push(leaf.leaf);
    tree.append(hashLeafText(entry.leaf));
  }
  if (!equalBytes(tree.root(), root))
    return { ok: false, message: "the leaves' root is not the signed checkpoint's root" };
  const corrections = correctionProblems(parsed);
  if (corrections.length) return { ok: false, message: corrections.join('; ') };
  return { ok: true, leaves: parsed };
}

/** A play line against the leaf it names: the first member that disagrees, or null. */
function playDisagreement(
  report: EarningsReport,
  play: EarningsReport['plays'][number],
  leaf: LogLeaf | undefined,
) {
  if (!leaf) return 'names no leaf of the checkpoint';
  const expected: Array<[string, unknown, unknown]> = [
    ['kind', leaf.kind, 'play'],
    ['event (receipt hash)', leaf.event, hexHash(receiptSigningBytes(play.signed.receipt))],
    ['artist', leaf.artist, report.artist.id],
    ['track', leaf.track, play.signed.receipt.trackId],
    ['time', leaf.time, Date.parse(play.settledAt)],
    ['settlement seq', leaf.seq, play.settlementSeq],
    ['outcome', leaf.outcome, play.outcome],
    ['free reason', leaf.freeReason, play.freeReason],
    ['play index', leaf.playIndex, play.playIndex],
    ['price', leaf.price, play.priceThousandths],
    ['artist share', leaf.artistShare, play.artistShareTenThousandths],
    ['co-op share', leaf.coopShare, play.coopShareTenThousandths],
  ];
  for (const [name, got, want] of expected)
    if (got !== want)
      return `its ${name} is ${JSON.stringify(want)} in the report, ${JSON.stringify(got)} in the log`;
  return null;
}

function sameTotals(a: EarningsTotals, b: EarningsTotals): string | null {
  for (const k of Object.keys(a) as Array<keyof EarningsTotals>)
    if (a[k] !== b[k]) return `${k}: report ${a[k]}, log ${b[k]}`;
  return null;
}

const purchaseKey = (p: { track: string | null; seq: number | null; price: number; time: number }) =>
  `${p.track}\n${p.seq}\n${p.price}\n${p.time}`;

/** Verifies a version-3 report against the log's leaves 0..size-1 of the checkpoint it names, with the pinned log key. */
export function verifyReportAgainstLog(
  report: EarningsReport,
  logVkey: string,
  leaves: ReadonlyArray<{ index: number; leaf: string }>,
): ReportLogResult {
  if (!report.log)
    return fail('log_checkpoint', `a version ${report.version} report names no log checkpoint`);
  const verdict = verifyCheckpoint(report.log.checkpoint, logVkey);
  if (!verdict.ok)
    return fail('log_checkpoint', `the report's checkpoint does not verify: ${verdict.reason}`);
  const size = verdict.checkpoint.size;
  if (size !== report.log.size)
    return fail('log_checkpoint', `the checkpoint is of ${size} leaves, the report says ${report.log.size}`);
  const tree = treeLeaves(leaves, size, verdict.checkpoint.root);
  if (!tree.ok) return fail('log_leaves', tree.message);
  const from = Date.parse(report.period.from);
  const to = Date.parse(report.period.to);
  const inPeriod = (l: LogLeaf) => l.artist === report.artist.id && l.time >= from && l.time < to;
  const mismatches: ReportLogMismatch[] = [];
  const claimed = new Set<number>();
  for (const play of report.plays) {
    const index = play.leafIndex!;
    const why = claimed.has(index)
      ? 'names a leaf another line names too'
      : playDisagreement(report, play, tree.leaves[index]);
    claimed.add(index);
    if (why)
      mismatches.push({
        kind: 'differs_from_log',
        leafIndex: index,
        message: `the play at leaf ${index} ${why}`,
      });
  }
  const logTotals = emptyTotals();
  const logPurchases = new Map<string, number>();
  tree.leaves.forEach((leaf, index) => {
    if (!inPeriod(leaf)) return;
    if (leaf.kind === 'play') {
      addPlayToTotals(logTotals, {
        outcome: leaf.outcome!,
        priceThousandths: leaf.price,
        artistShareTenThousandths: leaf.artistShare,
        coopShareTenThousandths: leaf.coopShare,
      });
      if (!claimed.has(index))
        mismatches.push({
          kind: 'missing_from_report',
          leafIndex: index,
          message: `the log's play at leaf ${index} (track ${leaf.track}, ${leaf.outcome}, price ${leaf.price}) is not in the report`,
        });
    } else if (leaf.kind === 'purchase') {
      addPurchase(logTotals, leaf);
      logPurchases.set(purchaseKey(leaf), (logPurchases.get(purchaseKey(leaf)) ?? 0) + 1);
    }
  });
  mismatches.push(...purchaseMismatches(report, logPurchases));
  const totals = sameTotals(report.totals, logTotals);
  if (totals)
    mismatches.push({
      kind: 'totals_differ_from_log',
      message: `the report's totals are not the log's (${totals})`,
    });
  return { ok: mismatches.length === 0, checkpointSize: size, logTotals, mismatches };
}

function addPurchase(totals: EarningsTotals, leaf: LogLeaf): void {
  totals.purchases++;
  totals.creditsSpentThousandths += leaf.price;
  totals.artistShareTenThousandths += leaf.artistShare;
  totals.coopShareTenThousandths += leaf.coopShare;
}

/** The report's purchases and the log's, as multisets of (track, seq, price, time). */
function purchaseMismatches(report: EarningsReport, logPurchases: Map<string, number>): ReportLogMismatch[] {
  const left = new Map(logPurchases);
  const out: ReportLogMismatch[] = [];
  for (const p of report.purchases) {
    const key = purchaseKey({
      track: p.trackId,
      seq: p.settlementSeq ?? null,
      price: p.priceThousandths,
      time: Date.parse(p.settledAt),
    });
    const n = left.get(key) ?? 0;
    if (n === 0)
      out.push({
        kind: 'differs_from_log',
        message: `the purchase of track ${p.trackId} at ${p.settledAt} is not in the log`,
      });
    else left.set(key, n - 1);
  }
  for (const [key, n] of left)
    for (let i = 0; i < n; i++)
      out.push({
        kind: 'missing_from_report',
        message: `the log's purchase of track ${key.split('\n')[0]} is not in the report`,
      });
  return out;
}

/**
 * A GET of the log's public routes, by path from the server's root (`/v1/log/…`):
 * `fetch` in the CLI, the signed-in session's request in the app. Throws on
 * network trouble.
 */
export type LogGet = (path: string) => Promise<{ status: number; text: string }>;

/** The leaves route answers at most this many leaves per request. */
export const LEAVES_PER_PAGE = 1000;

async function logJson(get: LogGet, path: string): Promise<unknown> {
  const answer = await get(path);
  if (answer.status !== 200) throw new Error(`${path.split('?')[0]} answered ${answer.status}`);
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    throw new Error(`${path.split('?')[0]} answered something that is not JSON`);
  }
}

async function askedKey(get: LogGet): Promise<string> {
  const vkey = ((await logJson(get, '/v1/log/key')) as { vkey?: unknown } | null)?.vkey;
  if (typeof vkey !== 'string') throw new Error('the log key answer is malformed');
  return vkey;
}

/** The log's leaves 0..size-1, page by page, as served (verifyReportAgainstLog checks them). Throws with a sentence. */
export async function fetchLogLeaves(
  get: LogGet,
  size: number,
): Promise<Array<{ index: number; leaf: string }>> {
  const leaves: Array<{ index: number; leaf: string }> = [];
  for (let start = 0; start < size; start += LEAVES_PER_PAGE) {
    const end = Math.min(size, start + LEAVES_PER_PAGE);
    const page = (await logJson(get, `/v1/log/leaves?start=${start}&end=${end}`)) as {
      leaves?: unknown;
    } | null;
    if (!Array.isArray(page?.leaves)) throw new Error(`the leaves ${start}..${end - 1} answer is malformed`);
    for (const l of page.leaves as Array<{ index?: unknown; leaf?: unknown }>) {
      if (typeof l?.index !== 'number' || typeof l.leaf !== 'string')
        throw new Error(`the leaves ${start}..${end - 1} answer is malformed`);
      leaves.push({ index: l.index, leaf: l.leaf });
    }
    // A short page would loop forever on the same start; verifyReportAgainstLog names the gap.
    if (page.leaves.length === 0) break;
  }
  return leaves;
}

/**
 * The whole check as `verify-report --log` and the app's Earnings view run
 * it: the report parsed, the log key (given — pinned out of band or by the
 * app — else asked of the log), the leaves of the checkpoint the report
 * names, and verifyReportAgainstLog. Every failure is an answer, never a throw.
 */
export async function checkReportWithLog(
  value: unknown,
  get: LogGet,
  where: string,
  logKey?: string | (() => Promise<string>),
): Promise<ReportLogResult> {
  const parsed = earningsReportSchema.safeParse(value);
  if (!parsed.success) return fail('log_checkpoint', 'not an earnings report');
  const report = parsed.data;
  if (!report.log)
    return fail(
      'log_checkpoint',
      `a version ${report.version} report names no log checkpoint; export it again from a server with its log on`,
    );
  try {
    const vkey = typeof logKey === 'string' ? logKey : logKey ? await logKey() : await askedKey(get);
    const leaves = await fetchLogLeaves(get, report.log.size);
    return verifyReportAgainstLog(report, vkey, leaves);
  } catch (error) {
    return fail(
      'log_leaves',
      `could not read the log at ${where}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
