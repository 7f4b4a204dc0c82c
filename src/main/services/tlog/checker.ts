import { RECEIPT_SIGNING_CONTEXT } from '../../../shared/receipt';
import {
  fromBase64,
  fromHex,
  hashFromBase64,
  hashLeafText,
  equalBytes,
  parseLeaf,
  parseVkey,
  sha256Bytes,
  toHex,
  utf8Bytes,
  verifiedCosignatures,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
  type Note,
} from '../../../shared/tlog';
import type { KeptCheckpoint, NewFailure, SettledPlay, TlogStore } from './tlog-store';

/**
 * One check of the server's public log (docs/transparency-log.md §7), as the
 * app runs it after each sync:
 *
 * 1. the log key: configured, else pinned on first contact and kept;
 * 2. the latest checkpoint, whose log signature must verify;
 * 3. consistency from the checkpoint kept last time (same size: same root;
 *    larger: a verified consistency proof; smaller: a rollback);
 * 4. enough witness cosignatures, when the user asked for some;
 * 5. the checkpoint is kept; then every settled play of this device not yet
 *    proven gets its inclusion proof verified against it, and its leaf must
 *    say what the server answered (receipt hash, track, outcome, price).
 *
 * A failure is recorded with both signed notes (the evidence) and the kept
 * checkpoint is not moved past it. Network trouble stops the check and
 * proves nothing: what was not verified stays pending.
 */
export type LogRequest = (path: string) => Promise<{ status: number; text: string }>;

export class LogOffline extends Error {}
export class NoLog extends Error {}

export type CheckState = 'verified' | 'awaiting_witnesses' | 'failed';

export interface CheckContext {
  serverKey: string;
  request: LogRequest;
  nowMs: number;
  /** When the sync that led to this check started: plays answered since must be in the log. */
  startedAtMs: number;
}

/** At most this many plays are proven per check; the rest wait for the next one. */
export const PLAYS_PER_CHECK = 1000;

async function get(request: LogRequest, path: string): Promise<{ status: number; text: string }> {
  try {
    return await request(path);
  } catch (error) {
    throw new LogOffline(
      `the log could not be reached: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function getJson(request: LogRequest, path: string): Promise<{ status: number; json: unknown }> {
  const answer = await get(request, path);
  if (answer.status >= 500)
    throw new LogOffline(`the log answered ${answer.status} to ${path.split('?')[0]}`);
  try {
    return { status: answer.status, json: JSON.parse(answer.text) as unknown };
  } catch {
    return { status: answer.status, json: null };
  }
}

/** The log key to verify with: configured, pinned, or learned now (and pinned). */
export async function logKey(
  store: TlogStore,
  ctx: CheckContext,
): Promise<{ vkey: string; pinnedAtMs: number }> {
  const configured = store.config().logVkey;
  const pin = store.pin(ctx.serverKey);
  if (configured) return { vkey: configured, pinnedAtMs: pin?.pinnedAtMs ?? 0 };
  if (pin) return pin;
  const { status, json } = await getJson(ctx.request, '/v1/log/key');
  if (status === 404) throw new NoLog('this server publishes no transparency log');
  const vkey = (json as { vkey?: unknown } | null)?.vkey;
  if (status !== 200 || typeof vkey !== 'string') throw new LogOffline(`the log key answer was ${status}`);
  try {
    parseVkey(vkey);
  } catch (error) {
    throw new LogOffline(`the log key is malformed: ${(error as Error).message}`);
  }
  store.setPin(ctx.serverKey, vkey, ctx.startedAtMs);
  return { vkey, pinnedAtMs: ctx.startedAtMs };
}

export interface FetchedCheckpoint {
  text: string;
  checkpoint: Checkpoint;
  note: Note;
}

/** The latest checkpoint with a verified log signature, or the failure to record. */
export async function fetchCheckpoint(
  ctx: CheckContext,
  vkey: string,
  kept: KeptCheckpoint | null,
): Promise<{ ok: true; value: FetchedCheckpoint } | { ok: false; failure: NewFailure }> {
  const answer = await get(ctx.request, '/v1/log/checkpoint');
  if (answer.status === 404) throw new NoLog('this server publishes no transparency log');
  if (answer.status !== 200) throw new LogOffline(`the log answered ${answer.status} for its checkpoint`);
  const verdict = verifyCheckpoint(answer.text, vkey);
  if (verdict.ok) return { ok: true, value: { text: answer.text, ...verdict } };
  const wrongOrigin = /origin/.test(verdict.reason) && !verdict.reason.startsWith('malformed');
  return {
    ok: false,
    failure: {
      kind: wrongOrigin ? 'wrong_origin' : 'bad_signature',
      message: `The server's log checkpoint is not signed by the log key this app trusts (${verdict.reason}).`,
      keptNote: kept?.note ?? null,
      offeredNote: answer.text,
      details: { logKey: vkey },
    },
  };
}

/** Null when `next` extends `kept` (a verified consistency proof); else the failure, with both notes. */
export async function consistencyFailure(
  request: LogRequest,
  kept: KeptCheckpoint,
  next: FetchedCheckpoint,
): Promise<NewFailure | null> {
  const cp = next.checkpoint;
  const evidence = { keptNote: kept.note, offeredNote: next.text };
  if (cp.origin !== kept.origin)
    return {
      kind: 'wrong_origin',
      message: `The log changed its name from ${kept.origin} to ${cp.origin}.`,
      ...evidence,
    };
  if (cp.size < kept.size)
    return {
      kind: 'rollback',
      message: `The log shrank: it showed ${kept.size} entries before and now shows ${cp.size}.`,
      ...evidence,
    };
  const keptRoot = fromHex(kept.rootHex);
  if (cp.size === kept.size)
    return equalBytes(keptRoot, cp.root)
      ? null
      : {
          kind: 'split_view',
          message: `The log signed two different trees of ${cp.size} entries: its history was changed.`,
          ...evidence,
        };
  const path = `/v1/log/proof/consistency?from=${kept.size}&to=${cp.size}`;
  const { status, json } = await getJson(request, path);
  let proof: Uint8Array[] = [];
  let reason: string;
  if (status !== 200) reason = `the log refused to prove it (${status})`;
  else {
    try {
      proof = ((json as { proof: string[] }).proof ?? []).map((p) => hashFromBase64(p, 'a proof hash'));
      const check = verifyConsistency(kept.size, cp.size, keptRoot, cp.root, proof);
      if (check.ok) return null;
      reason = check.reason;
    } catch (error) {
      reason = `the proof is malformed: ${(error as Error).message}`;
    }
  }
  return {
    kind: 'inconsistent',
    message: `The log's tree of ${cp.size} entries does not extend the one of ${kept.size} this app verified (${reason}): its history was rewritten.`,
    ...evidence,
    details: { from: kept.size, to: cp.size, proof: proof.map((p) => toHex(p)) },
  };
}

/** How many witness cosignatures the note carries, and how many verify under the configured witness keys. */
export function cosignatureCounts(
  note: Note,
  logKeyName: string,
  witnesses: string[],
): { all: number; known: number } {
  let known: number;
  try {
    known = verifiedCosignatures(note, witnesses).length;
  } catch {
    known = 0; // a configured key that does not parse verifies nothing
  }
  return { all: note.signatures.filter((s) => s.name !== logKeyName).length, known };
}

function playEventHash(canonicalJson: string): string {
  return toHex(sha256Bytes(utf8Bytes(RECEIPT_SIGNING_CONTEXT + canonicalJson)));
}

/** What the leaf must say for this play, member by member; the first disagreement, or null. */
function leafDisagreement(play: SettledPlay, leafText: string): string | null {
  const parsed = parseLeaf(leafText);
  if (!parsed.ok) return `the leaf is not a valid log leaf (${parsed.problems.join('; ')})`;
  const leaf = parsed.leaf;
  const a = play.answer;
  const paid = a.outcome === 'paid';
  const expected: Array<[string, unknown, unknown]> = [
    ['kind', leaf.kind, 'play'],
    ['event (the receipt hash)', leaf.event, playEventHash(play.canonicalJson)],
    ['track', leaf.track, play.trackId],
    ['outcome', leaf.outcome, a.outcome],
    ['price', leaf.price, paid ? a.priceThousandths : 0],
    ['play index', leaf.playIndex, paid ? a.playIndex : null],
    ['free reason', leaf.freeReason, a.outcome === 'free' ? a.freeReason : null],
  ];
  for (const [name, got, want] of expected)
    if (got !== want)
      return `its ${name} is ${JSON.stringify(got)}, the server answered ${JSON.stringify(want)}`;
  return null;
}

export type PlayVerdict =
  { ok: true; leafIndex: number } | { ok: false; failure: NewFailure } | { ok: 'not_yet' };

/** Fetches and verifies one play's inclusion proof in the checkpoint. */
export async function checkPlay(
  request: LogRequest,
  play: SettledPlay,
  cp: FetchedCheckpoint,
  mustBeInLog: boolean,
): Promise<PlayVerdict | { ok: 'predates' }> {
  const size = cp.checkpoint.size;
  const path = `/v1/log/proof/inclusion?receiptId=${encodeURIComponent(play.receiptId)}&size=${size}`;
  const { status, json } = await getJson(request, path);
  const base = { receiptId: play.receiptId, offeredNote: cp.text };
  if (status === 404) {
    if (!mustBeInLog) return { ok: 'predates' };
    return {
      ok: false,
      failure: {
        kind: 'missing_leaf',
        message: `A play the server settled (receipt ${play.receiptId}) is not in its public log of ${size} entries.`,
        ...base,
        details: { answer: play.answer, receipt: play.canonicalJson },
      },
    };
  }
  // Settled after this checkpoint (another check raced it): proven next time.
  if (status === 400) return { ok: 'not_yet' };
  if (status !== 200) throw new LogOffline(`the log answered ${status} for an inclusion proof`);
  return verifyPlayAnswer(play, json, cp, base);
}

function verifyPlayAnswer(
  play: SettledPlay,
  json: unknown,
  cp: FetchedCheckpoint,
  base: { receiptId: string; offeredNote: string },
): PlayVerdict {
  const size = cp.checkpoint.size;
  const a = (json ?? {}) as {
    index?: unknown;
    size?: unknown;
    leaf?: unknown;
    leafHash?: unknown;
    proof?: unknown;
  };
  const bad = (kind: 'bad_proof' | 'wrong_leaf', why: string, leafIndex: number | null): PlayVerdict => ({
    ok: false,
    failure: {
      kind,
      message: `The public log's proof for a play of this device (receipt ${play.receiptId}) fails: ${why}.`,
      ...base,
      leafIndex,
      details: { answer: play.answer, receipt: play.canonicalJson, served: json },
    },
  });
  if (typeof a.index !== 'number' || !Number.isSafeInteger(a.index) || a.index < 0 || a.size !== size)
    return bad('bad_proof', 'the answer names no leaf of this checkpoint', null);
  const index = a.index;
  if (typeof a.leaf !== 'string' || typeof a.leafHash !== 'string' || !Array.isArray(a.proof))
    return bad('bad_proof', 'the answer is malformed', index);
  let proof: Uint8Array[];
  let served: Uint8Array;
  try {
    proof = a.proof.map((p) => hashFromBase64(String(p), 'a proof hash'));
    served = fromBase64(a.leafHash);
  } catch (error) {
    return bad('bad_proof', (error as Error).message, index);
  }
  const leafHash = hashLeafText(a.leaf);
  if (!equalBytes(leafHash, served))
    return bad('bad_proof', 'the leaf hash served is not the hash of the leaf', index);
  const disagreement = leafDisagreement(play, a.leaf);
  if (disagreement) return bad('wrong_leaf', disagreement, index);
  const check = verifyInclusion(index, size, leafHash, proof, cp.checkpoint.root);
  if (!check.ok) return bad('bad_proof', check.reason, index);
  return { ok: true, leafIndex: index };
}
