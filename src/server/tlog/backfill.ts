import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { parseLeaf } from '../../shared/tlog/leaf';
import type { ServerContext } from '../context';
import { inTransaction, toInt, type Tx } from '../db/transaction';
import { appendLogLeaves, playEvents, type LogEvent } from './append';
import { creditEventHash, recordCreditLeaves } from './event-index';
import { withTlogTx } from './schema';

/**
 * Backfill (docs/transparency-log.md "Upgrading a server"): a server upgraded
 * from before the log, or one that ran with the log off, has settled plays,
 * purchases, grants, vouchers and grant reversals with no leaf. On start,
 * before it serves, their leaves are appended in settlement order (time, then
 * the listener's settlement sequence), exactly once: under the sequencer row's
 * lock, what is missing is computed again, so a second instance starting on the
 * same database finds nothing left to do. Answers how many leaves it appended.
 */
export async function backfillLog(ctx: ServerContext): Promise<number> {
  if (!ctx.config.transparencyLog.enabled || !(await someMissing(ctx))) return 0;
  // Inline sequencing here: a correction must name its grant's index, known only once numbered.
  const inline: ServerContext = {
    ...ctx,
    config: { ...ctx.config, transparencyLog: { ...ctx.config.transparencyLog, sequencing: 'inline' } },
  };
  const appended = await inTransaction(ctx.store, async (tx) => {
    let state = withTlogTx(tx).selectFrom('tlog_state').select('size').where('id', '=', 1);
    if (ctx.store.kind === 'postgres') state = state.forUpdate();
    await state.executeTakeFirstOrThrow();
    const { events, indexOf } = await missingEvents(tx);
    let count = 0;
    for (const e of events) {
      const event = e.kind === 'correction' ? { ...e, corrects: indexOf.get(e.grantId ?? '') ?? -1 } : e;
      if (event.kind === 'correction' && event.corrects < 0)
        throw new Error(
          `transparency log backfill: grant ${e.grantId ?? ''} of ${event.transferId} has no leaf`,
        );
      const index = await appendLogLeaves(inline, tx, [event]);
      if (index === null) throw new Error('transparency log backfill: a leaf got no index');
      if (e.kind === 'grant') indexOf.set(e.transferId, index);
      // Credits are found by their event (a reversal names its grant's leaf through this index).
      if (event.kind !== 'play' && event.kind !== 'purchase')
        await recordCreditLeaves(tx, [{ eventHash: creditEventHash(event), index }]);
      count++;
    }
    return count;
  });
  if (appended)
    ctx.log.info({ leaves: appended }, 'transparency log: backfilled settlements from before the log');
  return appended;
}

/** Cheap: fewer leaves (numbered or pending) than settled events. */
async function someMissing(ctx: ServerContext): Promise<boolean> {
  const one = async (query: string) =>
    toInt(((await sql.raw<{ n: unknown }>(query).execute(ctx.store.db)).rows[0] ?? { n: 0 }).n);
  const events =
    (await one('SELECT COUNT(*) AS n FROM plays')) +
    (await one(
      `SELECT COUNT(*) AS n FROM ledger_entries e JOIN transfers t ON t.id = e.transfer_id
       WHERE t.kind IN ('buy_track', 'buy_release') AND e.account_type = 'listener'`,
    )) +
    (await one(`SELECT COUNT(*) AS n FROM transfers WHERE kind IN ('grant', 'voucher', 'grant_reversal')`));
  const leaves =
    (await one('SELECT size AS n FROM tlog_state')) + (await one('SELECT COUNT(*) AS n FROM tlog_pending'));
  return leaves < events;
}

type Pending = LogEvent & { grantId?: string };
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** The settled events with no leaf, in settlement order, and the leaf index of every grant already in the log. */
async function missingEvents(tx: Tx): Promise<{ events: Pending[]; indexOf: Map<string, number> }> {
  const t = withTlogTx(tx);
  const logged = new Set<string>();
  const byEvent = new Map<string, number>();
  for (const table of ['tlog_leaves', 'tlog_pending'] as const) {
    const rows = await sql<{
      idx: unknown;
      leaf: string;
    }>`SELECT ${sql.raw(table === 'tlog_leaves' ? 'idx' : 'NULL')} AS idx, leaf FROM ${sql.table(table)} WHERE receipt_id IS NULL`.execute(
      tx,
    );
    for (const r of rows.rows) {
      const parsed = parseLeaf(r.leaf);
      if (!parsed.ok) continue;
      logged.add(parsed.leaf.event);
      if (parsed.leaf.kind === 'grant' && r.idx !== null) byEvent.set(parsed.leaf.event, toInt(r.idx));
    }
  }
  const plays = await t
    .selectFrom('plays')
    .leftJoin('tlog_leaves', 'tlog_leaves.receipt_id', 'plays.receipt_id')
    .leftJoin('tlog_pending', 'tlog_pending.receipt_id', 'plays.receipt_id')
    .where('tlog_leaves.idx', 'is', null)
    .where('tlog_pending.id', 'is', null)
    .select([
      'plays.receipt_id',
      'plays.user_id',
      'plays.content_hash',
      'plays.settle_seq',
      'plays.settled_at',
      'plays.track_id',
      'plays.artist_id',
      'plays.outcome',
      'plays.free_reason',
      'plays.play_index',
      'plays.price',
    ])
    .execute();
  const events: Pending[] = playEvents(
    plays.map((p) => ({
      ...p,
      settle_seq: p.settle_seq === null ? null : toInt(p.settle_seq),
      settled_at: toInt(p.settled_at),
      play_index: p.play_index === null ? null : toInt(p.play_index),
      price: toInt(p.price),
    })),
  );
  events.push(...(await transferEvents(tx)).filter((e) => !logged.has(eventHashOf(e))));
  const indexOf = new Map<string, number>();
  for (const e of await grantIds(tx)) {
    const index = byEvent.get(sha256Hex(e));
    if (index !== undefined) indexOf.set(e, index);
  }
  return { events: events.sort(settlementOrder), indexOf };
}

function eventHashOf(e: Pending): string {
  if (e.kind === 'purchase') return sha256Hex(`${e.transferId}\n${e.trackId}`);
  if (e.kind === 'correction') return sha256Hex(`correction\n${e.transferId}`);
  return sha256Hex((e as { transferId: string }).transferId);
}

const seqOf = (e: Pending) => (e.kind === 'play' || e.kind === 'purchase' ? e.seq : Number.MAX_SAFE_INTEGER);
const idOf = (e: Pending) =>
  e.kind === 'play' ? e.receiptId : `${e.transferId}\n${'trackId' in e ? e.trackId : ''}`;
const settlementOrder = (a: Pending, b: Pending) =>
  a.time - b.time ||
  (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0) ||
  seqOf(a) - seqOf(b) ||
  (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0);

async function grantIds(tx: Tx): Promise<string[]> {
  const rows = await tx.selectFrom('transfers').select('id').where('kind', '=', 'grant').execute();
  return rows.map((r) => r.id).filter((id) => id.startsWith('grant:'));
}

/** Purchases (one event per track bought), grants, vouchers and grant reversals, from the ledger. */
async function transferEvents(tx: Tx): Promise<Pending[]> {
  const rows = await tx
    .selectFrom('ledger_entries as e')
    .innerJoin('transfers as t', 't.id', 'e.transfer_id')
    .leftJoin('tracks', 'tracks.id', 'e.track_id')
    .where('t.kind', 'in', ['buy_track', 'buy_release', 'grant', 'voucher', 'grant_reversal'])
    .where('e.account_type', '=', 'listener')
    .select([
      't.id',
      't.kind',
      't.user_id',
      't.created_at',
      't.settle_seq',
      'e.amount',
      'e.track_id',
      'tracks.artist_id',
    ])
    .orderBy('e.id')
    .execute();
  return rows.map((r): Pending => {
    const time = toInt(r.created_at);
    const thousandths = Math.abs(toInt(r.amount)) / 10;
    if (r.kind === 'buy_track' || r.kind === 'buy_release')
      return {
        kind: 'purchase',
        userId: r.user_id,
        transferId: r.id,
        seq: toInt(r.settle_seq),
        time,
        trackId: r.track_id!,
        artistId: r.artist_id!,
        price: thousandths,
      };
    if (r.kind === 'grant_reversal')
      return {
        kind: 'correction',
        userId: r.user_id,
        transferId: r.id,
        time,
        taken: thousandths,
        corrects: -1,
        grantId: r.id.slice('reversal:'.length),
      };
    return {
      kind: r.kind as 'grant' | 'voucher',
      userId: r.user_id,
      transferId: r.id,
      time,
      credit: thousandths,
    };
  });
}
