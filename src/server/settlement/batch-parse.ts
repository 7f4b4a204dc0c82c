import { assert } from '../../shared/assert';
import type { ServerContext } from '../context';
import type { Candidate, ReceiptResult } from './batch-types';
import { parseSignedReceipt, precheckReceipt, reject, type DeviceKey, type Prechecked } from './verify';

/**
 * Stages 1 and 2 of settlement, outside any transaction: parse and precheck
 * each receipt (shape, device ownership, time anomaly), then verify the
 * signatures on the worker pool. A receipt that fails here is rejected alone;
 * nothing about one receipt's content can fail the others.
 */
export interface Prechecks {
  /** Rejections by request index. */
  rejected: Map<number, ReceiptResult>;
  accepted: Array<{ index: number; checked: Extract<Prechecked, { ok: true }> }>;
}

/** Stage 1: every raw receipt ends up either rejected or accepted, exactly once. */
export async function parseAndPrecheck(
  ctx: ServerContext,
  userId: string,
  raws: readonly unknown[],
  checkedAt: number,
): Promise<Prechecks> {
  const parsed = raws.map((raw) => parseSignedReceipt(raw));
  const keyById = await deviceKeys(ctx, [
    ...new Set(parsed.flatMap((p) => (p.ok ? [p.receipt.deviceId] : []))),
  ]);
  const rejected = new Map<number, ReceiptResult>();
  const accepted: Prechecks['accepted'] = [];
  parsed.forEach((p, index) => {
    if (!p.ok) {
      rejected.set(index, { index, id: rawReceiptId(raws[index]), status: 'rejected', ...p.rejection });
      return;
    }
    let checked: Prechecked;
    try {
      checked = precheckReceipt(
        p.receipt,
        p.signature,
        userId,
        keyById.get(p.receipt.deviceId),
        ctx.config,
        checkedAt,
      );
    } catch (error) {
      checked = {
        ok: false,
        rejection: reject('malformed', `receipt could not be read: ${(error as Error).message}`),
      };
    }
    if (checked.ok) accepted.push({ index, checked });
    else rejected.set(index, { index, id: p.receipt.id, status: 'rejected', ...checked.rejection });
  });
  assert(
    rejected.size + accepted.length === raws.length,
    'parse: each receipt is rejected or accepted exactly once',
  );
  return { rejected, accepted };
}

/** The id of something that did not parse, when it has a string one: the answer names it. */
function rawReceiptId(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const receipt = (raw as { receipt?: unknown }).receipt;
  const id = typeof receipt === 'object' && receipt !== null ? (receipt as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}

/**
 * A device's owner and key never change (revocation is checked under the
 * lock), so they are cached: with no query before it, a batch's signatures
 * go to the workers the moment it arrives, even while another batch holds
 * SQLite's one connection.
 */
async function deviceKeys(ctx: ServerContext, deviceIds: string[]): Promise<Map<string, DeviceKey>> {
  const keyById = new Map<string, DeviceKey>();
  const missing: string[] = [];
  for (const id of deviceIds) {
    const known = ctx.deviceKeys.get(id);
    if (known) keyById.set(id, known);
    else missing.push(id);
  }
  if (missing.length) {
    for (const d of await ctx.store.db
      .selectFrom('devices')
      .select(['id', 'user_id', 'public_key'])
      .where('id', 'in', missing)
      .execute()) {
      keyById.set(d.id, d);
      ctx.deviceKeys.set(d.id, d);
    }
  }
  return keyById;
}

/**
 * Stage 2: the signature verdicts, from the worker pool, before the
 * transaction opens (waiting inside it would hold SQLite's one connection,
 * and a PostgreSQL wallet lock, while the CPU verifies). Answers the
 * candidates in counted-at order (then device seq, then id: a total order).
 */
export async function verifySignatures(ctx: ServerContext, prechecks: Prechecks): Promise<Candidate[]> {
  const { accepted } = prechecks;
  const verdicts = await ctx.signatures
    .submit(
      accepted.map(({ checked }) => ({
        publicKey: checked.publicKey,
        message: checked.bytes,
        signature: checked.signature,
      })),
    )
    .result();
  assert(verdicts.length === accepted.length, 'verify: one verdict per receipt');
  const candidates = accepted.map(({ index, checked }, i): Candidate => ({
    index,
    ...checked.value,
    signatureValid: verdicts[i] === true,
  }));
  return candidates.sort(
    (a, b) =>
      a.countedAtMs - b.countedAtMs ||
      a.receipt.seq - b.receipt.seq ||
      (a.receipt.id < b.receipt.id ? -1 : a.receipt.id > b.receipt.id ? 1 : 0),
  );
}
