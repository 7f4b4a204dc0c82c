import { createHash, createHmac, hash } from 'node:crypto';
import { splitCharge } from '../../shared/pricing';
import { encodeLeaf, type LogLeaf } from '../../shared/tlog/leaf';
import type { ServerContext } from '../context';
import type { FreeReason, PlayOutcome } from '../db/schema';
import type { Store } from '../db/connect';
import type { Tx } from '../db/transaction';
import { appendInlinePostgres, insertPendingPostgres, type LeafRow } from './append-postgres';
import { appendInlineSqlite, insertPendingSqlite } from './append-sqlite';
import { announceWhenCommitted } from './committed-leaves';

/**
 * Appending settlement events to the transparency log, inside the caller's
 * transaction (docs/transparency-log.md §1, §8): the settlement and its
 * leaves commit together or not at all.
 */
export type LogEvent =
  | {
      kind: 'play';
      userId: string;
      receiptId: string;
      /** SHA-256 hex of the receipt's canonical bytes (plays.content_hash). */
      contentHash: string;
      seq: number;
      time: number;
      trackId: string;
      artistId: string;
      outcome: PlayOutcome;
      freeReason: FreeReason | null;
      playIndex: number | null;
      price: number;
    }
  | {
      kind: 'purchase';
      userId: string;
      transferId: string;
      seq: number;
      time: number;
      trackId: string;
      artistId: string;
      price: number;
    }
  | { kind: 'grant' | 'voucher'; userId: string; transferId: string; time: number; credit: number }
  | {
      /** A reversed credit grant (docs/transparency-log.md §1.1): `taken` thousandths back, naming the grant's leaf. */
      kind: 'correction';
      userId: string;
      /** The reversing transfer's id (`reversal:grant:<uuid>`). */
      transferId: string;
      time: number;
      taken: number;
      corrects: number;
    };

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** Pseudonym keys, per store: HMAC(report_pseudonyms secret, scope), as the earnings report's stable pseudonyms. */
const secrets = new WeakMap<Store, Buffer>();
const scopeKeys = new WeakMap<Store, Map<string, Buffer>>();
/** (scope, account) → pseudonym: a batch is one listener's plays of a few artists. */
const known = new WeakMap<Store, Map<string, string>>();

async function pseudonymSecret(ctx: ServerContext, tx: Tx): Promise<Buffer> {
  let secret = secrets.get(ctx.store);
  if (!secret) {
    const row = await tx
      .selectFrom('server_secrets')
      .select('value')
      .where('name', '=', 'report_pseudonyms')
      .executeTakeFirstOrThrow();
    secret = Buffer.from(row.value, 'base64url');
    secrets.set(ctx.store, secret);
  }
  return secret;
}

function pseudonym(store: Store, secret: Buffer, scope: string, userId: string): string {
  let memo = known.get(store);
  if (!memo) known.set(store, (memo = new Map()));
  const id = `${scope}\n${userId}`;
  const seen = memo.get(id);
  if (seen) return seen;
  let keys = scopeKeys.get(store);
  if (!keys) scopeKeys.set(store, (keys = new Map()));
  let key = keys.get(scope);
  if (!key) {
    key = createHmac('sha256', secret).update(scope).digest();
    if (keys.size > 100_000) keys.clear();
    keys.set(scope, key);
  }
  const p = `L-${createHmac('sha256', key).update(userId).digest('base64url').slice(0, 22)}`;
  if (memo.size > 100_000) memo.clear();
  memo.set(id, p);
  return p;
}

const NONE = {
  track: null,
  artist: null,
  outcome: null,
  freeReason: null,
  playIndex: null,
  price: 0,
  artistShare: 0,
  coopShare: 0,
  credit: 0,
  corrects: null,
} as const;

/** The leaf of one event (§1.1); `listenerOf(scope, userId)` gives the pseudonym. */
export function leafOf(event: LogEvent, listenerOf: (scope: string, userId: string) => string): LogLeaf {
  if (event.kind === 'correction')
    return {
      ...NONE,
      v: 1,
      kind: 'correction',
      event: sha256Hex(`correction\n${event.transferId}`),
      listener: listenerOf('credits', event.userId),
      seq: null,
      time: event.time,
      credit: -event.taken,
      corrects: event.corrects,
    };
  if (event.kind !== 'play' && event.kind !== 'purchase') {
    return {
      ...NONE,
      v: 1,
      kind: event.kind,
      event: sha256Hex(event.transferId),
      listener: listenerOf('credits', event.userId),
      seq: null,
      time: event.time,
      credit: event.credit,
    };
  }
  const shares = splitCharge(event.price);
  if (event.kind === 'play') {
    // One literal (no spreads): this runs for every settled play.
    return {
      v: 1,
      kind: 'play',
      event: event.contentHash,
      listener: listenerOf(`artist:${event.artistId}`, event.userId),
      seq: event.seq,
      time: event.time,
      track: event.trackId,
      artist: event.artistId,
      outcome: event.outcome,
      freeReason: event.outcome === 'free' ? event.freeReason : null,
      playIndex: event.outcome === 'paid' ? event.playIndex : null,
      price: event.price,
      artistShare: shares.artistTenThousandths,
      coopShare: shares.coopTenThousandths,
      credit: 0,
      corrects: null,
    };
  }
  const common = {
    ...NONE,
    v: 1 as const,
    listener: listenerOf(`artist:${event.artistId}`, event.userId),
    seq: event.seq,
    time: event.time,
    track: event.trackId,
    artist: event.artistId,
    price: event.price,
    artistShare: shares.artistTenThousandths,
    coopShare: shares.coopTenThousandths,
  };
  return { ...common, kind: 'purchase', event: sha256Hex(`${event.transferId}\n${event.trackId}`) };
}

/**
 * Appends the events' leaves in the caller's transaction: they commit with
 * the settlement or not at all. Call it LAST in the transaction.
 *
 * Inline sequencing (SQLite by default): the leaves take their indexes here,
 * by incrementing the sequencer row (locked until commit on PostgreSQL), so
 * indexes follow commit order, densely (a rollback undoes the increment).
 * Answers the first index given.
 *
 * Deferred sequencing (PostgreSQL by default): the leaves are committed to
 * tlog_pending and the sequencer (TransparencyLog.sequence, under the same
 * row lock, in its own short transaction) numbers them moments later; the
 * settling transactions of different listeners never wait for each other.
 * Answers null (no index yet).
 */
export async function appendLogLeaves(
  ctx: ServerContext,
  tx: Tx,
  events: LogEvent[],
): Promise<number | null> {
  if (!events.length || !ctx.config.transparencyLog.enabled) return null;
  const secret = await pseudonymSecret(ctx, tx);
  const listenerOf = (scope: string, userId: string) => pseudonym(ctx.store, secret, scope, userId);
  const now = ctx.clock.nowMs();
  const leaves: LeafRow[] = events.map((e) => {
    const leaf = encodeLeaf(leafOf(e, listenerOf));
    return {
      // RFC 9162 leaf hash H(0x00 || leaf): U+0000 is the one byte 0x00 in UTF-8; one-shot hashing.
      hash: hash('sha256', `\u0000${leaf}`, 'buffer'),
      leaf,
      receiptId: e.kind === 'play' ? e.receiptId : null,
    };
  });
  const postgres = ctx.store.kind === 'postgres';
  if (deferredSequencing(ctx)) {
    // Committed with the settlement; the sequencer gives them their indexes right after (log.ts).
    if (postgres) await insertPendingPostgres(tx, leaves, now);
    else await insertPendingSqlite(ctx.store, tx, leaves, now);
    return null;
  }
  const start = postgres
    ? await appendInlinePostgres(tx, leaves, now)
    : await appendInlineSqlite(ctx.store, tx, leaves, now);
  announceWhenCommitted(
    ctx.store,
    tx,
    start,
    leaves.map((l) => l.hash),
  );
  return start;
}

/** Whether leaves wait in tlog_pending for the sequencer instead of taking their index in the settling transaction. */
export function deferredSequencing(ctx: ServerContext): boolean {
  const mode = ctx.config.transparencyLog.sequencing;
  return mode === 'deferred' || (mode === null && ctx.store.kind === 'postgres');
}

/** The log events of settled play rows (as settlement writes them). */
export function playEvents(
  plays: Array<{
    receipt_id: string;
    user_id: string;
    content_hash: string;
    settle_seq: number | null;
    settled_at: number;
    track_id: string;
    artist_id: string;
    outcome: PlayOutcome;
    free_reason: FreeReason | null;
    play_index: number | null;
    price: number;
  }>,
): LogEvent[] {
  return plays.map((p) => {
    if (p.settle_seq === null)
      throw new Error(`settlement invariant broken: play ${p.receipt_id} has no settlement sequence number`);
    return {
      kind: 'play',
      userId: p.user_id,
      receiptId: p.receipt_id,
      contentHash: p.content_hash,
      seq: p.settle_seq,
      time: p.settled_at,
      trackId: p.track_id,
      artistId: p.artist_id,
      outcome: p.outcome,
      freeReason: p.free_reason,
      playIndex: p.play_index,
      price: p.price,
    };
  });
}
