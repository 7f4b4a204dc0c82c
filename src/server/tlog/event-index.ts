import { createHash } from 'node:crypto';
import { parseLeaf, type LogLeaf } from '../../shared/tlog/leaf';
import type { ServerContext } from '../context';
import { toInt, type Tx } from '../db/transaction';
import { appendLogLeaves, type LogEvent } from './append';
import { withTlogTx } from './schema';

/**
 * The leaf index of each credit event (grant, voucher, correction), by the
 * event's hash (docs/transparency-log.md §1.3): migration 0013_tlog_event_index.
 * A grant reversal names its grant's leaf through it with one primary-key read
 * instead of searching the whole log's text. Plays are not in it: they have
 * `tlog_leaves.receipt_id`, and their hot path writes no extra row.
 */
// A type alias, not an interface: Kysely's withTables needs an index-compatible record.
export type EventIndexTables = {
  tlog_events: { event_hash: string; idx: number };
};

export type CreditEvent = Extract<LogEvent, { kind: 'grant' | 'voucher' | 'correction' }>;

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** The leaf's `event` of a credit event (§1.3; as leafOf in append.ts writes it). */
export function creditEventHash(event: Pick<CreditEvent, 'kind' | 'transferId'>): string {
  return event.kind === 'correction'
    ? sha256Hex(`correction\n${event.transferId}`)
    : sha256Hex(event.transferId);
}

/**
 * Appends credit events' leaves in the caller's transaction (last in it, as
 * appendLogLeaves) and records their indexes. Sequenced inline even where
 * plays are deferred (PostgreSQL): a credit's index must be known in its own
 * transaction to be recorded; credits are rare, and holding the sequencer row
 * from here to the commit only makes the sequencer wait that long, never a
 * settling play. Answers the first index, or null when the log is off.
 */
export async function appendCreditLeaves(
  ctx: ServerContext,
  tx: Tx,
  events: CreditEvent[],
): Promise<number | null> {
  const inline: ServerContext = {
    ...ctx,
    config: { ...ctx.config, transparencyLog: { ...ctx.config.transparencyLog, sequencing: 'inline' } },
  };
  const start = await appendLogLeaves(inline, tx, events);
  if (start === null) return null;
  await recordCreditLeaves(
    tx,
    events.map((e, i) => ({ eventHash: creditEventHash(e), index: start + i })),
  );
  return start;
}

/** Records where credit leaves are (the backfill appends them one by one; appendCreditLeaves in a batch). */
export async function recordCreditLeaves(
  tx: Tx,
  leaves: Array<{ eventHash: string; index: number }>,
): Promise<void> {
  if (!leaves.length) return;
  await tx
    .withTables<EventIndexTables>()
    .insertInto('tlog_events')
    .values(leaves.map((l) => ({ event_hash: l.eventHash, idx: l.index })))
    .execute();
}

export type CreditLeafLookup =
  { found: true; index: number; leaf: LogLeaf } | { found: false; pending: boolean };

/**
 * Where the credit leaf with this event hash is: its index and parsed leaf,
 * or not found (`pending` when it waits for the sequencer).
 *
 * The index answers every credit logged since migration 0013 and every one
 * before it (the migration filled it). A credit leaf written by an instance
 * still on the previous version (a rolling upgrade), sequenced after the
 * migration, is not in it: that case alone falls back to a search of the
 * leaves without a receipt (credits and purchases, never the plays), and
 * records what it finds so it is searched once.
 */
export async function findCreditLeaf(tx: Tx, eventHash: string): Promise<CreditLeafLookup> {
  const indexed = await tx
    .withTables<EventIndexTables>()
    .selectFrom('tlog_events')
    .select('idx')
    .where('event_hash', '=', eventHash)
    .executeTakeFirst();
  const index = indexed ? toInt(indexed.idx) : await searchUnindexed(tx, eventHash);
  if (index === null) return { found: false, pending: await isPending(tx, eventHash) };
  const row = await withTlogTx(tx)
    .selectFrom('tlog_leaves')
    .select('leaf')
    .where('idx', '=', index)
    .executeTakeFirstOrThrow();
  const parsed = parseLeaf(row.leaf);
  if (!parsed.ok || parsed.leaf.event !== eventHash)
    throw new Error(`transparency log invariant broken: leaf ${index} is not event ${eventHash}`);
  return { found: true, index, leaf: parsed.leaf };
}

const eventPattern = (eventHash: string) => `%"event":"${eventHash}"%`;

async function searchUnindexed(tx: Tx, eventHash: string): Promise<number | null> {
  const row = await withTlogTx(tx)
    .selectFrom('tlog_leaves')
    .select('idx')
    .where('receipt_id', 'is', null)
    .where('leaf', 'like', eventPattern(eventHash))
    .orderBy('idx')
    .executeTakeFirst();
  if (!row) return null;
  const index = toInt(row.idx);
  await recordCreditLeaves(tx, [{ eventHash, index }]);
  return index;
}

/** Whether a leaf of this event waits in the sequencer's queue (short by design: leaves wait there moments). */
async function isPending(tx: Tx, eventHash: string): Promise<boolean> {
  const row = await withTlogTx(tx)
    .selectFrom('tlog_pending')
    .select('id')
    .where('receipt_id', 'is', null)
    .where('leaf', 'like', eventPattern(eventHash))
    .executeTakeFirst();
  return row !== undefined;
}
