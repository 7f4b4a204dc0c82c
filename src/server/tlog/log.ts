import { createPrivateKey, hash, sign, type KeyObject } from 'node:crypto';
import { sql } from 'kysely';
import { MerkleTree } from '../../shared/tlog/tree';
import { equalBytes, toBase64, toHex, type Hash } from '../../shared/tlog/hash';
import {
  formatCheckpoint,
  formatVkey,
  keyIdOf,
  parseCheckpoint,
  parseNote,
  parseVkey,
  publicKeyOf,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  verifiedCosignatures,
  MAX_SIGNATURES,
} from '../../shared/tlog/note';
import { encodeEntryBundle, TILE_HEIGHT, TILE_WIDTH } from '../../shared/tlog/tiles';
import type { ServerContext } from '../context';
import { inTransaction, toInt, type Tx } from '../db/transaction';
import { deferredSequencing } from './append';
import { onCommittedLeaves } from './committed-leaves';
import { backfillLog } from './backfill';
import { ApiError } from '../http/errors';
import { assert } from '../../shared/assert';
import { withTlog, withTlogTx, type TlogDb } from './schema';

/** RFC 9162 node hash with node:crypto (the server's hot path; the shared one is the pure-JS equivalent). */
const scratch = Buffer.alloc(65, 1);
const nodeHashFast = (left: Hash, right: Hash): Hash => {
  scratch.set(left, 1);
  scratch.set(right, 33);
  return hash('sha256', scratch, 'buffer');
};

/** The PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface LogKeyInfo {
  origin: string;
  keyName: string;
  vkey: string;
  publicKey: string;
  keyId: string;
}

/**
 * One server instance's view of the transparency log: the tree's hashes in
 * memory (memoised subtree hashes, `MerkleTree`), caught up from the store's
 * `tlog_leaves` (other instances append too), full hash tiles persisted as
 * they fill, checkpoints signed with the shared log key and stored, witness
 * cosignatures accepted and published. Proofs are computed from the memoised
 * hashes; leaves and entry bundles are read from the store.
 */
export class TransparencyLog {
  private readonly tree = new MerkleTree(nodeHashFast);
  private readonly db: TlogDb;
  private loaded: Promise<void> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private persistedTiles: number[] = [];
  private seed: Uint8Array | null = null;
  private signer: { key: KeyObject; keyId: Uint8Array } | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Leaves this process committed (committed-leaves.ts), by first index, not yet in the tree. */
  private readonly committed = new Map<number, Buffer[]>();
  private readonly unsubscribe: () => void;

  constructor(private readonly ctx: ServerContext) {
    this.db = withTlog(ctx.store.db);
    this.unsubscribe = onCommittedLeaves(ctx.store, (start, hashes) => {
      // Bounded: a tree that is not caught up for a long while reads its leaves back instead.
      if (this.committed.size < 10_000) this.committed.set(start, hashes);
    });
  }

  get origin(): string {
    return this.ctx.config.transparencyLog.origin;
  }

  /**
   * Before serving: appends the leaves of settlements made before the log (or
   * with it off; backfill.ts) and signs a checkpoint of them; then signs a
   * checkpoint every `checkpointIntervalMs` while leaves arrive.
   */
  async start(): Promise<void> {
    if (this.timer || !this.ctx.config.transparencyLog.enabled) return;
    if (await backfillLog(this.ctx)) await this.latestCheckpoint();
    this.timer = setInterval(() => {
      this.latestCheckpoint().catch((error: unknown) =>
        this.ctx.log.error({ err: error }, 'transparency log: checkpoint failed'),
      );
    }, this.ctx.config.transparencyLog.checkpointIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.queue.catch(() => {});
  }

  /** Runs `work` after every earlier catch-up or signing of this instance. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  private async load(): Promise<void> {
    // Full level-0 tiles first (8 KiB a row instead of 256 rows), then the leaves after them.
    let expected = 0;
    for (;;) {
      const tiles = await this.db
        .selectFrom('tlog_tiles')
        .select(['idx', 'hashes'])
        .where('level', '=', 0)
        .where('idx', '>=', expected)
        .orderBy('idx')
        .limit(512)
        .execute();
      for (const t of tiles) {
        if (toInt(t.idx) !== expected || t.hashes.length !== 32 * TILE_WIDTH)
          throw new Error(`transparency log: stored tile 0/${t.idx} is out of order or not full`);
        for (let i = 0; i < TILE_WIDTH; i++) this.tree.append(t.hashes.subarray(i * 32, (i + 1) * 32));
        expected++;
      }
      if (tiles.length < 512) break;
    }
    const counts = await this.db
      .selectFrom('tlog_tiles')
      .select(['level', (eb) => eb.fn.countAll().as('n')])
      .groupBy('level')
      .execute();
    for (const c of counts) this.persistedTiles[toInt(c.level)] = toInt(c.n);
    await this.readNewLeaves();
  }

  /**
   * Brings the tree up to every committed leaf: first those this process
   * committed itself (their hashes announced after commit), then, if the
   * committed size says more exist (another instance or process wrote them),
   * the rest read from the store.
   */
  private async readNewLeaves(): Promise<void> {
    this.takeCommitted();
    const state = await this.db
      .selectFrom('tlog_state')
      .select('size')
      .where('id', '=', 1)
      .executeTakeFirst();
    const size = toInt(state?.size);
    assert(this.tree.size <= size, `the tree has ${this.tree.size} leaves, the log only ${size}`);
    if (this.tree.size < size) await this.readStoredLeaves();
    // What the store gave already, or what comes next; anything before the tree's end is stale.
    for (const start of this.committed.keys()) if (start < this.tree.size) this.committed.delete(start);
    this.takeCommitted();
  }

  /** Appends announced leaves while they continue the tree exactly. */
  private takeCommitted(): void {
    for (let next = this.committed.get(this.tree.size); next; next = this.committed.get(this.tree.size)) {
      this.committed.delete(this.tree.size);
      for (const h of next) this.tree.append(h);
    }
  }

  private async readStoredLeaves(): Promise<void> {
    for (;;) {
      const from = this.tree.size;
      const rows = await this.db
        .selectFrom('tlog_leaves')
        .select(['idx', 'leaf_hash'])
        .where('idx', '>=', from)
        .orderBy('idx')
        .limit(10_000)
        .execute();
      for (const [i, r] of rows.entries()) {
        // Indexes are dense and committed in order (the sequencer row); a hole would be a broken invariant.
        if (toInt(r.idx) !== from + i)
          throw new Error(`transparency log invariant broken: leaf ${from + i} missing, found ${r.idx}`);
        this.tree.append(r.leaf_hash);
      }
      if (rows.length < 10_000) return;
    }
  }

  /**
   * Deferred sequencing: gives the committed pending leaves their indexes, in
   * one total order across instances, under the sequencer row's lock, in
   * short transactions of at most 2000 leaves.
   */
  private async sequence(): Promise<boolean> {
    const CHUNK = 2000;
    let current = false;
    for (let round = 0; round < 1000; round++) {
      if (!(await this.db.selectFrom('tlog_pending').select('id').limit(1).executeTakeFirst()))
        return current;
      const moved = await inTransaction(this.ctx.store, async (tx) => {
        const t = withTlogTx(tx);
        let state = t.selectFrom('tlog_state').select('size').where('id', '=', 1);
        if (this.ctx.store.kind === 'postgres') state = state.forUpdate();
        const start = toInt((await state.executeTakeFirstOrThrow()).size);
        // Read after the lock: what another sequencer moved meanwhile is gone from the queue.
        if (this.ctx.store.kind === 'postgres') return this.movePendingPostgres(tx, start, CHUNK);
        return { count: await this.movePendingSqlite(tx, start, CHUNK), start, hashes: null };
      });
      current = moved.hashes !== null && this.appendMoved(moved.start, moved.hashes);
      if (moved.count < CHUNK) return current;
    }
    return current;
  }

  /**
   * After the sequencer's commit (never before: a rolled-back move must not
   * reach the tree), the leaves it numbered go straight into the tree when
   * the tree stood exactly where they start; the readback of their hashes is
   * then not needed. Answers whether the tree is now at the size the
   * sequencer saw under its lock (every leaf committed before this catch-up).
   */
  private appendMoved(start: number, hashes: Buffer[]): boolean {
    if (this.tree.size !== start) {
      assert(this.tree.size < start, `the tree has ${this.tree.size} leaves before the sequencer's ${start}`);
      return false; // another instance's leaves come first: readNewLeaves reads them, and these
    }
    for (const h of hashes) this.tree.append(h);
    return true;
  }

  /** SQLite with deferred sequencing (tests): the ids read, the leaves moved inside the database. */
  private async movePendingSqlite(tx: Tx, start: number, chunk: number): Promise<number> {
    const t = withTlogTx(tx);
    const ids = (await t.selectFrom('tlog_pending').select('id').orderBy('id').limit(chunk).execute()).map(
      (p) => p.id,
    );
    if (!ids.length) return 0;
    const list = sql.join(ids.map((id) => sql`${id}`));
    await sql`INSERT INTO tlog_leaves (idx, leaf_hash, leaf, receipt_id, created_at)
      SELECT ${start} + ROW_NUMBER() OVER (ORDER BY id) - 1, leaf_hash, leaf, receipt_id, created_at
      FROM tlog_pending WHERE id IN (${list})`.execute(tx);
    const deleted = await t.deleteFrom('tlog_pending').where('id', 'in', ids).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== ids.length)
      throw new Error('transparency log invariant broken: pending leaves moved twice');
    await t
      .updateTable('tlog_state')
      .set({ size: start + ids.length })
      .where('id', '=', 1)
      .execute();
    return ids.length;
  }

  /**
   * PostgreSQL: one statement moves up to `chunk` pending leaves, in id order, to
   * indexes start, start + 1, …, advances the sequencer row (locked by the
   * caller), and answers the moved leaves' hashes in index order, for the tree
   * (appendMoved) — no ids through this process, no readback of the leaves.
   */
  private async movePendingPostgres(
    tx: Tx,
    start: number,
    chunk: number,
  ): Promise<{ count: number; start: number; hashes: Buffer[] }> {
    const { rows } = await sql<{ size: string | number; idx: string | number; leaf_hash: Buffer }>`
      WITH batch AS (SELECT id FROM tlog_pending ORDER BY id LIMIT ${chunk}),
      moved AS (
        DELETE FROM tlog_pending p USING batch b WHERE p.id = b.id
        RETURNING p.id, p.leaf_hash, p.leaf, p.receipt_id, p.created_at),
      numbered AS (
        INSERT INTO tlog_leaves (idx, leaf_hash, leaf, receipt_id, created_at)
        SELECT ${start}::bigint + ROW_NUMBER() OVER (ORDER BY id) - 1, leaf_hash, leaf, receipt_id, created_at
        FROM moved
        RETURNING idx, leaf_hash),
      advanced AS (
        UPDATE tlog_state SET size = ${start}::bigint + (SELECT COUNT(*) FROM numbered) WHERE id = 1
        RETURNING size)
      SELECT (SELECT size FROM advanced) AS size, idx, leaf_hash FROM numbered ORDER BY idx`.execute(tx);
    const count = rows.length;
    assert(count <= chunk, `the sequencer moved ${count} leaves in a chunk of ${chunk}`);
    assert(
      rows.every((r, i) => toInt(r.idx) === start + i && toInt(r.size) === start + count),
      'the sequencer numbers its leaves densely from the size it locked, and advances the size by as many',
    );
    return { count, start, hashes: rows.map((r) => r.leaf_hash) };
  }

  /** Numbers pending leaves (deferred sequencing), brings the in-memory tree up to every committed leaf, and persists newly full tiles. */
  catchUp(): Promise<number> {
    return this.serial(async () => {
      if (!this.loaded) this.loaded = this.load();
      await this.loaded;
      // A sequencer that fed the tree itself leaves nothing committed before this call unread.
      const current = deferredSequencing(this.ctx) && (await this.sequence());
      if (!current) await this.readNewLeaves();
      await this.persistTiles();
      return this.tree.size;
    });
  }

  private async persistTiles(): Promise<void> {
    for (let level = 0; TILE_WIDTH ** level <= this.tree.size; level++) {
      const full = Math.floor(this.tree.nodeCount(TILE_HEIGHT * level) / TILE_WIDTH);
      const done = this.persistedTiles[level] ?? 0;
      if (full <= done) continue;
      const rows = [];
      for (let n = done; n < full; n++)
        rows.push({ level, idx: n, hashes: this.hashTile(level, n, TILE_WIDTH)! });
      for (let i = 0; i < rows.length; i += 100)
        await this.db
          .insertInto('tlog_tiles')
          .values(rows.slice(i, i + 100))
          .onConflict((oc) => oc.doNothing())
          .execute();
      this.persistedTiles[level] = full;
    }
  }

  private async signingSeed(): Promise<Uint8Array> {
    if (!this.seed) {
      const row = await this.db
        .selectFrom('server_secrets')
        .select('value')
        .where('name', '=', 'tlog_signing_key')
        .executeTakeFirstOrThrow();
      const seed = Buffer.from(row.value, 'base64url');
      if (seed.length !== 32) throw new Error('the transparency log key is not a 32-byte seed');
      this.seed = new Uint8Array(seed);
    }
    return this.seed;
  }

  /**
   * The checkpoint note of the tree at `size` (C2SP signed note, docs §3), signed with
   * node:crypto: the same bytes as the shared signCheckpoint (Ed25519 is deterministic;
   * tests/unit/tlog checks it), without a pure-JS scalar multiplication per checkpoint
   * on the thread that settles.
   */
  private async signCheckpoint(size: number): Promise<string> {
    if (!this.signer) {
      const seed = await this.signingSeed();
      const key = createPrivateKey({
        key: Buffer.concat([PKCS8_ED25519, seed]),
        format: 'der',
        type: 'pkcs8',
      });
      this.signer = { key, keyId: keyIdOf(this.origin, SIG_ED25519, publicKeyOf(seed)) };
    }
    const body = formatCheckpoint({ origin: this.origin, size, root: this.tree.root(size) });
    const signature = sign(null, Buffer.from(body, 'utf8'), this.signer.key);
    return `${body}\n\u2014 ${this.origin} ${toBase64(Buffer.concat([this.signer.keyId, signature]))}\n`;
  }

  async keyInfo(): Promise<LogKeyInfo> {
    const publicKey = publicKeyOf(await this.signingSeed());
    return {
      origin: this.origin,
      keyName: this.origin,
      vkey: formatVkey(this.origin, SIG_ED25519, publicKey),
      publicKey: toBase64(publicKey),
      keyId: toHex(keyIdOf(this.origin, SIG_ED25519, publicKey)),
    };
  }

  /** The latest checkpoint, signed now when the tree has grown since the last one; with its cosignatures. */
  async latestCheckpoint(): Promise<{ size: number; note: string }> {
    const size = await this.catchUp();
    return this.serial(async () => {
      const latest = await this.db
        .selectFrom('tlog_checkpoints')
        .select(['size', 'note'])
        .orderBy('size', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (latest && toInt(latest.size) >= size)
        return {
          size: toInt(latest.size),
          note: await this.withCosignatures(toInt(latest.size), latest.note),
        };
      const note = await this.signCheckpoint(size);
      // Another instance may sign the same size at once: Ed25519 is deterministic, so it is the same note.
      await this.db
        .insertInto('tlog_checkpoints')
        .values({ size, root: this.tree.root(size), note, created_at: this.ctx.clock.nowMs() })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return { size, note: await this.withCosignatures(size, note) };
    });
  }

  async checkpointAt(size: number): Promise<string | null> {
    const row = await this.db
      .selectFrom('tlog_checkpoints')
      .select('note')
      .where('size', '=', size)
      .executeTakeFirst();
    return row ? this.withCosignatures(size, row.note) : null;
  }

  private async withCosignatures(size: number, note: string): Promise<string> {
    const cosigs = await this.db
      .selectFrom('tlog_cosignatures')
      .select('line')
      .where('size', '=', size)
      .orderBy('created_at')
      .orderBy('vkey')
      .limit(MAX_SIGNATURES - 1)
      .execute();
    return note + cosigs.map((c) => c.line).join('');
  }

  private async sized(size: number | undefined, atLeast: number): Promise<number> {
    let current = this.tree.size;
    if (size === undefined || size > current) current = await this.catchUp();
    const n = size ?? (await this.latestCheckpoint()).size;
    if (n > current) throw new ApiError(400, 'beyond_tree', `the tree has ${current} leaves, not ${n}`);
    if (n < atLeast) throw new ApiError(400, 'invalid_input', `size ${n} is below ${atLeast}`);
    return n;
  }

  async inclusionProof(
    index: number,
    size?: number,
  ): Promise<{ index: number; size: number; leaf: string; leafHash: string; proof: string[] }> {
    const n = await this.sized(size, index + 1);
    const row = await this.db
      .selectFrom('tlog_leaves')
      .select(['leaf', 'leaf_hash'])
      .where('idx', '=', index)
      .executeTakeFirst();
    if (!row) throw new ApiError(404, 'not_in_log', `no leaf ${index}`);
    if (!equalBytes(row.leaf_hash, this.tree.leafHash(index)))
      throw new Error(`transparency log invariant broken: leaf ${index} hash differs from the tree`);
    return {
      index,
      size: n,
      leaf: row.leaf,
      leafHash: toBase64(row.leaf_hash),
      proof: this.tree.inclusionProof(index, n).map(toBase64),
    };
  }

  async indexOfReceipt(receiptId: string): Promise<number> {
    const find = () =>
      this.db.selectFrom('tlog_leaves').select('idx').where('receipt_id', '=', receiptId).executeTakeFirst();
    let row = await find();
    if (
      !row &&
      (await this.db
        .selectFrom('tlog_pending')
        .select('id')
        .where('receipt_id', '=', receiptId)
        .executeTakeFirst())
    ) {
      await this.catchUp(); // committed, waiting for its index: number it now
      row = await find();
    }
    if (!row)
      throw new ApiError(404, 'not_in_log', 'no leaf for this receipt (not settled, or not yet committed)');
    return toInt(row.idx);
  }

  async consistencyProof(from: number, to: number): Promise<{ from: number; to: number; proof: string[] }> {
    if (from > to) throw new ApiError(400, 'invalid_input', `from ${from} is above to ${to}`);
    await this.sized(to, 0);
    return { from, to, proof: this.tree.consistencyProof(from, to).map(toBase64) };
  }

  async leaves(
    start: number,
    end: number,
  ): Promise<{
    start: number;
    end: number;
    leaves: Array<{ index: number; leaf: string; leafHash: string }>;
  }> {
    if (end < start || end - start > 1000)
      throw new ApiError(400, 'invalid_input', 'at most 1000 leaves, start <= end');
    await this.sized(end, 0);
    const rows = await this.db
      .selectFrom('tlog_leaves')
      .select(['idx', 'leaf', 'leaf_hash'])
      .where('idx', '>=', start)
      .where('idx', '<', end)
      .orderBy('idx')
      .execute();
    return {
      start,
      end,
      leaves: rows.map((r) => ({ index: toInt(r.idx), leaf: r.leaf, leafHash: toBase64(r.leaf_hash) })),
    };
  }

  /** Hash tile bytes, or null when the tree does not (yet) have that many nodes. */
  hashTile(level: number, index: number, width: number): Uint8Array | null {
    const h = TILE_HEIGHT * level;
    const first = index * TILE_WIDTH;
    if (this.tree.nodeCount(h) < first + width) return null;
    const out = new Uint8Array(32 * width);
    for (let i = 0; i < width; i++) out.set(this.tree.node(h, first + i), 32 * i);
    return out;
  }

  async tile(level: number | 'entries', index: number, width: number): Promise<Uint8Array | null> {
    const first = index * TILE_WIDTH;
    if (this.tree.size < first + width) await this.catchUp();
    if (level !== 'entries') return this.hashTile(level, index, width);
    if (this.tree.size < first + width) return null;
    const rows = await this.db
      .selectFrom('tlog_leaves')
      .select('leaf')
      .where('idx', '>=', first)
      .where('idx', '<', first + width)
      .orderBy('idx')
      .execute();
    return encodeEntryBundle(rows.map((r) => Buffer.from(r.leaf, 'utf8')));
  }

  /** Accepts a witness's cosignature of a checkpoint this log signed (docs §4, POST /v1/log/cosignatures). */
  async addCosignature(vkey: string, cosigned: string): Promise<{ size: number; witness: string }> {
    let key;
    let note;
    let size;
    try {
      key = parseVkey(vkey);
      note = parseNote(cosigned);
      size = parseCheckpoint(note.body).size;
    } catch (error) {
      throw new ApiError(400, 'invalid_input', `malformed: ${(error as Error).message}`);
    }
    if (key.type !== SIG_COSIGNATURE_V1)
      throw new ApiError(400, 'invalid_input', 'a witness vkey has signature type 0x04 (cosignature/v1)');
    const allowed = this.ctx.config.transparencyLog.witnesses;
    if (allowed && !allowed.includes(vkey))
      throw new ApiError(
        403,
        'unknown_witness',
        'this log accepts cosignatures from its listed witnesses only',
      );
    const stored = await this.db
      .selectFrom('tlog_checkpoints')
      .select('note')
      .where('size', '=', size)
      .executeTakeFirst();
    if (!stored || parseNote(stored.note).body !== note.body)
      throw new ApiError(409, 'unknown_checkpoint', 'this log signed no such checkpoint');
    const [cosig] = verifiedCosignatures(note, [key]);
    if (!cosig)
      throw new ApiError(
        422,
        'bad_cosignature',
        'no cosignature by this witness key verifies over the checkpoint',
      );
    if (cosig.time * 1000 > this.ctx.clock.nowMs() + 10 * 60_000)
      throw new ApiError(422, 'bad_cosignature', 'the cosignature is dated in the future');
    const count = await this.db
      .selectFrom('tlog_cosignatures')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('size', '=', size)
      .executeTakeFirstOrThrow();
    if (toInt(count.n) >= MAX_SIGNATURES - 1)
      throw new ApiError(
        409,
        'too_many_cosignatures',
        'this checkpoint has as many cosignatures as a note can carry',
      );
    await this.db
      .insertInto('tlog_cosignatures')
      .values({
        size,
        vkey: cosig.vkey,
        line: cosig.line,
        time: cosig.time,
        created_at: this.ctx.clock.nowMs(),
      })
      .onConflict((oc) => oc.columns(['size', 'vkey']).doNothing())
      .execute();
    return { size, witness: key.name };
  }
}
