import { assert } from '../../../shared/assert';
import type { Correction } from '../../../shared/contract/sync';
import type { PlayReceipt, SignedPlayReceipt } from '../../../shared/receipt';
import type { Db } from '../db/database';
import { typedDb, type TypedDb } from '../db/typed-query';
import type { CoopTrackRecord } from '../wallet/catalog-store';
import type { ReceiptPlay } from '../wallet/wallet-store';
import { stream2OwnState } from '../wallet/charge-rules';
import { SyncApiError, type PullAnswer, type ReceiptsAnswer } from './api-client';
import type { SyncTables } from './tables';
import type { SyncOutbox, SyncWallet, SyncWalletStores } from './wallet-deps';

/**
 * Everything the sync engine writes to the local cache. Each server answer
 * is applied in ONE local transaction together with what it changes (outbox
 * rows answered, charges settled, balance and allowance, progress,
 * corrections, cursor). That is what makes a receipt leave the outbox
 * exactly once: if the app dies before the commit, the receipt is still
 * unanswered and is resent; the server dedupes by receipt id and answers the
 * first answer again (`duplicate: true`), which is then stored.
 */

/**
 * The only rejections that void the local charge: the receipt itself is bad
 * (signature, shape, another content under its id), names a track the server
 * does not have, or was counted after its device was revoked. Anything else —
 * a time-window verdict (`counted_in_future`, `too_old`), `seq_reused`,
 * `unknown_device`, and any reason this app does not know — is not the
 * server's final word on the play: the receipt stays in the outbox, its
 * charge stays pending, and it is sent again later with backoff.
 */
export const FINAL_REJECTIONS: ReadonlySet<string> = new Set([
  'bad_signature',
  'malformed',
  'conflict',
  'unknown_track',
  'device_revoked',
]);

/** Retry delay after the n-th "not now" answer for a receipt: 1 min, 2 min, 4 min, … up to 6 h. */
export function receiptRetryDelayMs(attempts: number): number {
  return Math.min(6 * 3_600_000, 60_000 * 2 ** Math.min(Math.max(attempts - 1, 0), 20));
}

export interface PushOutcome {
  /** Receipts answered by this batch (settled or finally rejected). */
  answered: number;
  /** Rejections kept in the outbox to send again later. */
  keptForRetry: number;
  corrections: Correction[];
}

export interface AccountRow {
  serverKey: string | null;
  userId: string | null;
  email: string | null;
  role: 'listener' | 'artist' | 'admin' | null;
  artists: { id: string; name: string }[];
  cursor: string | null;
  lastSyncAtMs: number | null;
  downloadLimitBytes: number;
}

/** Sync's own tables only: the wallet's (outbox, plays, catalog, progress) go through its stores (wallet-deps.ts). */
type Store = TypedDb<SyncTables>;

/**
 * Rows (or ids) per multi-row statement in the pull's bulk writes. A pull page holds up to
 * 2,000 tracks; one Kysely-built statement per track and row cost nearly as much again as
 * the page's writes (Kysely compiles each query), so they go many rows at a time, which is
 * faster than the one raw statement per row before (figures: the commit that made it so).
 * 500 rows × 6 values stays far below SQLite's 32,766 bound parameters.
 */
const ROWS_PER_STATEMENT = 500;

/** Consecutive parts of at most ROWS_PER_STATEMENT items; none for an empty list. */
function inParts<T>(items: readonly T[]): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT)
    parts.push(items.slice(i, i + ROWS_PER_STATEMENT));
  return parts;
}

type PushResult = ReceiptsAnswer['results'][number];
type NewCorrection = Omit<Correction, 'id' | 'createdAtMs'>;
/**
 * Where one push answer is applied: sync's tables and the wallet's outbox and plays, all on the
 * one Db, so the wallet's writes are part of the push answer's transaction.
 */
interface PushScope {
  db: Store;
  outbox: SyncOutbox;
  wallet: SyncWallet;
}
/** What one push answer has done so far inside its transaction. */
interface PushTally {
  answered: number;
  keptForRetry: number;
  corrections: Correction[];
  /** Receipts answered by this batch: their local charges are settled. */
  answeredIds: string[];
  /** Tracks whose progress is recomputed. */
  touched: Set<string>;
}

/**
 * The push answer's results by the index of the receipt they answer, checked
 * before anything is written: one result per receipt sent, each naming the
 * receipt at its index, a settled one with its id. Anything else is a bad response.
 */
function resultsByIndex(sent: readonly SignedPlayReceipt[], answer: ReceiptsAnswer): Map<number, PushResult> {
  const byIndex = new Map<number, PushResult>();
  for (const result of answer.results) {
    const receipt = sent[result.index];
    if (!receipt || byIndex.has(result.index) || (result.id !== null && result.id !== receipt.receipt.id)) {
      throw new SyncApiError(
        'bad_response',
        `the receipts answer does not match the batch (index ${result.index})`,
      );
    }
    if (result.status === 'settled' && result.id === null)
      throw new SyncApiError('bad_response', 'a settled result without an id');
    byIndex.set(result.index, result);
  }
  if (byIndex.size !== sent.length)
    throw new SyncApiError(
      'bad_response',
      `the receipts answer has ${byIndex.size} results for ${sent.length} receipts`,
    );
  return byIndex;
}

/** The queries of one push answer on sync's own tables, each run inside its transaction. */
const push = {
  /** Stores a correction unless the receipt has one; the new row's id, or null. */
  insertCorrection(db: Store, c: NewCorrection, atMs: number): number | null {
    const info = db.run(
      db.q
        .insertInto('sync_corrections')
        .values({
          receipt_id: c.receiptId,
          track_id: c.trackId,
          kind: c.kind,
          estimated_thousandths: c.estimatedThousandths,
          actual_thousandths: c.actualThousandths,
          reason: c.reason,
          created_at: atMs,
        })
        .onConflict((oc) => oc.column('receipt_id').doNothing()),
    );
    return info.changes === 1 ? Number(info.lastInsertRowid) : null;
  },
  /** Adds a settled play to the cached server counts (paid plays and owned never go down). */
  bumpServerCounts(db: Store, c: { trackId: string; paid: number; inc: number; owned: number }): void {
    db.run(
      db.q
        .insertInto('coop_server_counts')
        .values({ track_id: c.trackId, paid_plays: c.paid, total_plays: c.inc, owned: c.owned })
        .onConflict((oc) =>
          oc.column('track_id').doUpdateSet((eb) => ({
            paid_plays: eb.fn<number>('max', ['coop_server_counts.paid_plays', 'excluded.paid_plays']),
            total_plays: eb('coop_server_counts.total_plays', '+', eb.ref('excluded.total_plays')),
            owned: eb.fn<number>('max', ['coop_server_counts.owned', 'excluded.owned']),
          })),
        ),
    );
  },
};

/**
 * What the server's answer to one receipt corrects in the local estimate, or null:
 * a final rejection voids the charge, an unpaid play a charged one, a settled price
 * that differs from the estimate replaces it.
 */
function correctionFor(
  receipt: PlayReceipt,
  result: PushResult,
  play: ReceiptPlay | null,
): NewCorrection | null {
  const estimated = play?.charge ?? receipt.estimatedPriceThousandths;
  const base = { receiptId: receipt.id, trackId: receipt.trackId, title: play?.title ?? receipt.trackId };
  if (result.status === 'rejected')
    return {
      ...base,
      kind: 'rejected',
      estimatedThousandths: estimated,
      actualThousandths: 0,
      reason: result.reason,
    };
  const actual = result.outcome === 'paid' ? result.priceThousandths : 0;
  if (result.outcome === 'unpaid' && estimated > 0)
    return {
      ...base,
      kind: 'unpaid',
      estimatedThousandths: estimated,
      actualThousandths: 0,
      reason: "this device's share of the wallet did not cover the server's price for this play",
    };
  if (actual !== estimated)
    return {
      ...base,
      kind: 'price',
      estimatedThousandths: estimated,
      actualThousandths: actual,
      reason: result.freeReason,
    };
  return null;
}

/** A "not now" rejection: the charge stays pending and the receipt is sent again later, with backoff. */
function keepForRetry(
  outbox: SyncOutbox,
  receiptId: string,
  reason: string,
  atMs: number,
  tally: PushTally,
): void {
  const attempts = outbox.countRetry(receiptId, reason);
  if (attempts === null) return;
  assert(attempts >= 1, 'a kept receipt counts its attempt');
  outbox.deferUntil(receiptId, atMs + receiptRetryDelayMs(attempts));
  tally.keptForRetry++;
}

/** Stores a correction once per receipt; a receipt corrected before adds none. */
function storeCorrection(db: Store, correction: NewCorrection, atMs: number, tally: PushTally): void {
  const id = push.insertCorrection(db, correction, atMs);
  if (id !== null) tally.corrections.push({ ...correction, id, createdAtMs: atMs });
}

/** One result of a push answer, inside its transaction. */
function applyOneResult(
  scope: PushScope,
  receipt: PlayReceipt,
  result: PushResult,
  atMs: number,
  tally: PushTally,
): void {
  const { db, outbox } = scope;
  if (result.status === 'rejected' && !FINAL_REJECTIONS.has(result.reason)) {
    keepForRetry(outbox, receipt.id, result.reason, atMs, tally);
    return;
  }
  // Only the first answer is stored; an answer for a row answered before changes nothing.
  if (!outbox.markAnswered(receipt.id, result, atMs)) return;
  tally.answered++;
  tally.answeredIds.push(receipt.id);
  tally.touched.add(receipt.trackId);
  const play = scope.wallet.playOfReceipt(receipt.id);
  const correction = correctionFor(receipt, result, play);
  if (result.status === 'settled') {
    // Until the next pull brings the server's counts: a duplicate may already be in them, so it adds no play.
    push.bumpServerCounts(db, {
      trackId: receipt.trackId,
      paid: result.outcome === 'paid' ? (result.playIndex ?? 0) : 0,
      inc: result.duplicate ? 0 : 1,
      owned: result.owned ? 1 : 0,
    });
  }
  if (correction) storeCorrection(db, correction, atMs, tally);
}

export class SyncStore {
  private readonly db: Store;
  private readonly wallet: SyncWalletStores['wallet'];
  private readonly catalog: SyncWalletStores['catalog'];
  private readonly outbox: SyncWalletStores['outbox'];

  /** `stores`: the wallet domain's, on this same `db` (their writes join this store's transactions). */
  constructor(
    db: Db,
    stores: SyncWalletStores,
    private readonly currentDeviceId: () => string,
  ) {
    this.db = typedDb<SyncTables>(db);
    this.wallet = stores.wallet;
    this.catalog = stores.catalog;
    this.outbox = stores.outbox;
  }

  account(): AccountRow {
    const row = this.db.get(this.db.q.selectFrom('sync_account').selectAll().where('id', '=', 1));
    assert(row, 'sync_account has its one row (migration sync-001)');
    return {
      serverKey: row.server_key,
      userId: row.user_id,
      email: row.email,
      role: row.role,
      artists: JSON.parse(row.artists_json) as AccountRow['artists'],
      cursor: row.cursor_user_id === row.user_id ? row.cursor : null,
      lastSyncAtMs: row.last_sync_at,
      downloadLimitBytes: row.download_limit_bytes,
    };
  }

  /**
   * Records a sign-in. A different listener than the one whose counts are
   * cached starts from an empty pull: their server counts replace the old
   * ones, and progress is recomputed from them.
   */
  signedIn(
    serverKey: string,
    user: { id: string; email: string; role: AccountRow['role']; artists: AccountRow['artists'] },
    atMs: number,
  ): void {
    const { q } = this.db;
    this.db.raw.transaction(() => {
      const before = this.db.get(
        q.selectFrom('sync_account').select(['server_key', 'cursor_user_id']).where('id', '=', 1),
      );
      assert(before, 'sync_account has its one row (migration sync-001)');
      const sameListener = before.cursor_user_id === user.id && before.server_key === serverKey;
      this.db.run(
        q
          .updateTable('sync_account')
          .set({
            server_key: serverKey,
            user_id: user.id,
            email: user.email,
            role: user.role,
            artists_json: JSON.stringify(user.artists),
          })
          .where('id', '=', 1),
      );
      if (!sameListener) {
        // Another listener (or server): the wallet row is not theirs; nothing is spendable until their first sync.
        this.wallet.reset({ serverKey, userId: user.id, deviceId: this.currentDeviceId() });
        this.db.run(
          q
            .updateTable('sync_account')
            .set({ cursor: null, cursor_user_id: user.id, last_sync_at: null })
            .where('id', '=', 1),
        );
        this.db.run(q.deleteFrom('coop_server_counts'));
        this.recomputeProgress(this.wallet.trackIdsWithProgress(), atMs);
      }
    })();
  }

  signedOut(): void {
    // The cursor and counts stay: the same listener signing in again continues from them.
    this.db.run(
      this.db.q
        .updateTable('sync_account')
        .set({ user_id: null, email: null, role: null, artists_json: '[]' })
        .where('id', '=', 1),
    );
  }

  setDownloadLimit(bytes: number): void {
    this.db.run(
      this.db.q.updateTable('sync_account').set({ download_limit_bytes: bytes }).where('id', '=', 1),
    );
  }

  isDeviceRegistered(deviceId: string, serverKey: string, userId: string): boolean {
    return this.deviceAccount(deviceId, serverKey) === userId;
  }

  /** The account a device identity is registered to on a server, or null when it is not. */
  deviceAccount(deviceId: string, serverKey: string): string | null {
    const row = this.db.get(
      this.db.q
        .selectFrom('sync_devices')
        .select('user_id')
        .where('device_id', '=', deviceId)
        .where('server_key', '=', serverKey),
    );
    return row?.user_id ?? null;
  }

  deviceRegistered(deviceId: string, serverKey: string, userId: string, atMs: number): void {
    this.db.run(
      this.db.q
        .insertInto('sync_devices')
        .values({ device_id: deviceId, server_key: serverKey, user_id: userId, registered_at: atMs })
        .onConflict((oc) =>
          oc
            .columns(['device_id', 'server_key'])
            .doUpdateSet((eb) => ({ user_id: eb.ref('excluded.user_id') })),
        ),
    );
  }

  /** Device ids that signed receipts still waiting for an answer. */
  devicesWithPendingReceipts(): string[] {
    return this.outbox.devicesWithUnanswered();
  }

  /** The next batch to send, oldest first; receipts kept for a retry wait until their time (`nowMs`). */
  unansweredBatch(limit: number, nowMs: number): SignedPlayReceipt[] {
    return this.outbox.due(limit, nowMs);
  }

  pendingReceipts(): number {
    return this.outbox.countUnanswered();
  }

  /**
   * Stores the server's answer to a batch, in one transaction. Checked first
   * (before anything is written): one result per receipt sent, each naming
   * the receipt at its index; an answer that does not match is garbage and
   * changes nothing.
   */
  applyPushAnswer(sent: readonly SignedPlayReceipt[], answer: ReceiptsAnswer, atMs: number): PushOutcome {
    const byIndex = resultsByIndex(sent, answer);
    const tally: PushTally = {
      answered: 0,
      keptForRetry: 0,
      corrections: [],
      answeredIds: [],
      touched: new Set(),
    };
    const scope: PushScope = { db: this.db, outbox: this.outbox, wallet: this.wallet };
    // One transaction on the one Db: the outbox, plays and wallet writes of the wallet's stores are part of it.
    this.db.raw
      .transaction(() => {
        for (const [index, result] of byIndex)
          applyOneResult(scope, sent[index]!.receipt, result, atMs, tally);
        assert(
          tally.answered + tally.keptForRetry <= sent.length && tally.answeredIds.length === tally.answered,
          'each receipt of the batch is answered or kept for retry at most once',
        );
        // The balance the server answered already includes the charges it settled;
        // marking those local charges settled in the same transaction keeps
        // spendable = allowance − (charges the server has not seen) exact.
        this.wallet.applyServerState({
          balanceThousandths: answer.wallet.balanceThousandths,
          asOfMs: atMs,
          allowanceThousandths: answer.allowanceThousandths,
          settledReceiptIds: tally.answeredIds,
        });
        this.recomputeProgress([...tally.touched], atMs);
      })
      .immediate();
    return { answered: tally.answered, keptForRetry: tally.keptForRetry, corrections: tally.corrections };
  }

  /**
   * Applies one page of `POST /v1/sync`, cursor included, in one transaction: the wallet's
   * stores (balance, catalog, progress) write on the same Db, inside it.
   */
  applyPull(answer: PullAnswer, atMs: number, localFileOf: (trackId: string) => string | null): void {
    const artists = new Set(this.account().artists.map((a) => a.id));
    this.db.raw
      .transaction(() => {
        this.wallet.applyServerState({
          balanceThousandths: answer.wallet.balanceThousandths,
          asOfMs: atMs,
          allowanceThousandths: answer.allowanceThousandths,
        });
        const records: CoopTrackRecord[] = answer.catalog.tracks.map((t) => ({
          id: t.id,
          title: t.title,
          artist: t.artistName,
          album: t.releaseTitle,
          durationMs: t.durationMs,
          status: t.status,
          rightsholder: t.artistName,
          isOwn: artists.has(t.artistId),
          localFile: localFileOf(t.id),
          // An unpublished track's row stays (history, progress, downloads refer to it); browsing hides it from non-owners.
          published: t.published,
        }));
        this.catalog.upsert(records);
        this.upsertMeta(answer.catalog.tracks);
        this.upsertServerCounts(answer.playCounts);
        this.recomputeProgress(
          answer.playCounts.map((c) => c.trackId),
          atMs,
        );
        this.db.run(
          this.db.q
            .updateTable('sync_account')
            .set({ cursor: answer.cursor, last_sync_at: atMs })
            .where('id', '=', 1),
        );
      })
      .immediate();
  }

  /** A page's catalog facts, many rows per statement (a page is a bulk upsert: see ROWS_PER_STATEMENT). */
  private upsertMeta(tracks: PullAnswer['catalog']['tracks']): void {
    for (const part of inParts(tracks)) {
      this.db.run(
        this.db.q
          .insertInto('coop_track_meta')
          .values(
            part.map((t) => ({
              track_id: t.id,
              artist_id: t.artistId,
              release_id: t.releaseId,
              release_title: t.releaseTitle,
              has_audio: t.hasAudio ? 1 : 0,
              server_version: t.version,
            })),
          )
          .onConflict((oc) =>
            oc.column('track_id').doUpdateSet((eb) => ({
              artist_id: eb.ref('excluded.artist_id'),
              release_id: eb.ref('excluded.release_id'),
              release_title: eb.ref('excluded.release_title'),
              has_audio: eb.ref('excluded.has_audio'),
              server_version: eb.ref('excluded.server_version'),
            })),
          ),
      );
    }
  }

  /** The server's counts replace the cached ones (a pull is authoritative); many rows per statement. */
  private upsertServerCounts(counts: PullAnswer['playCounts']): void {
    for (const part of inParts(counts)) {
      this.db.run(
        this.db.q
          .insertInto('coop_server_counts')
          .values(
            part.map((c) => ({
              track_id: c.trackId,
              paid_plays: c.paidPlays,
              total_plays: c.totalPlays,
              owned: c.owned ? 1 : 0,
            })),
          )
          .onConflict((oc) =>
            oc.column('track_id').doUpdateSet((eb) => ({
              paid_plays: eb.ref('excluded.paid_plays'),
              total_plays: eb.ref('excluded.total_plays'),
              owned: eb.ref('excluded.owned'),
            })),
          ),
      );
    }
  }

  /**
   * Tracks' progress as this device should show it: the server's counts
   * (all devices, authoritative) plus this device's plays the server has not
   * settled yet. Previews are local only and kept. Read per part of the list
   * (two queries per ROWS_PER_STATEMENT tracks), saved per track in list order.
   */
  recomputeProgress(trackIds: readonly string[], atMs: number): void {
    for (const part of inParts(trackIds)) {
      const { server, local } = this.countsOf(part);
      for (const trackId of part) {
        const s = server.get(trackId) ?? { paid_plays: 0, total_plays: 0, owned: 0 };
        const l = local.get(trackId) ?? { paid: 0, counted: 0 };
        const paidPlays = Math.min(9, s.paid_plays + l.paid);
        this.wallet.saveProgress(
          trackId,
          {
            paidPlays,
            owned: s.owned === 1 || paidPlays >= 9,
            countedPlays: s.total_plays + l.counted,
            previews: this.wallet.progress(trackId).previews,
          },
          atMs,
        );
      }
    }
  }

  /** The cached server counts of these tracks, and this device's plays of them the server has not settled. */
  private countsOf(trackIds: readonly string[]) {
    const server = this.db.all(
      this.db.q
        .selectFrom('coop_server_counts')
        .select(['track_id', 'paid_plays', 'total_plays', 'owned'])
        .where('track_id', 'in', trackIds),
    );
    return {
      server: new Map(server.map((r) => [r.track_id, r])),
      local: this.wallet.unsettledPlayCounts(trackIds),
    };
  }

  corrections(limit: number): Correction[] {
    const rows = this.db.all(
      this.db.q.selectFrom('sync_corrections').selectAll().orderBy('id', 'desc').limit(limit),
    );
    const labels = this.catalog.labels([...new Set(rows.map((r) => r.track_id))]);
    return rows.map((r) => ({
      id: r.id,
      receiptId: r.receipt_id,
      trackId: r.track_id,
      title: labels.get(r.track_id)?.title ?? r.track_id,
      kind: r.kind,
      estimatedThousandths: r.estimated_thousandths,
      actualThousandths: r.actual_thousandths,
      reason: r.reason,
      createdAtMs: r.created_at,
    }));
  }

  markCorrectionsSeen(): void {
    this.db.run(this.db.q.updateTable('sync_corrections').set({ seen: 1 }).where('seen', '=', 0));
  }

  unseenCorrections(): number {
    const row = this.db.get(
      this.db.q
        .selectFrom('sync_corrections')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('seen', '=', 0),
    );
    return row?.n ?? 0;
  }

  /** The sum of the remaining cost to own of a release's cached tracks (what wallet.buyRelease would charge, as this device knows it). */
  releaseRemainingToOwn(releaseId: string, spendableThousandths: number): number {
    let total = 0;
    for (const trackId of this.releaseTrackIds(releaseId)) {
      const track = this.catalog.get(trackId);
      if (track)
        total += stream2OwnState(track, track.progress, spendableThousandths).remainingToOwnThousandths;
    }
    return total;
  }

  /** The title of a cached release, or null when no track of it is cached. */
  releaseTitle(releaseId: string): string | null {
    const row = this.db.get(
      this.db.q
        .selectFrom('coop_track_meta')
        .select('release_title')
        .where('release_id', '=', releaseId)
        .limit(1),
    );
    return row?.release_title ?? null;
  }

  /** Whether a cached track of the release is unpublished (the server refuses to sell the release then). */
  releaseUnpublished(releaseId: string): boolean {
    return this.catalog.anyUnpublished(this.releaseTrackIds(releaseId));
  }

  /** The cached tracks of a release (as the last pull described them). */
  private releaseTrackIds(releaseId: string): string[] {
    return this.db
      .all(this.db.q.selectFrom('coop_track_meta').select('track_id').where('release_id', '=', releaseId))
      .map((r) => r.track_id);
  }

  trackMeta(
    trackId: string,
  ): { releaseId: string; releaseTitle: string; artistId: string; hasAudio: boolean } | null {
    const row = this.db.get(
      this.db.q
        .selectFrom('coop_track_meta')
        .select(['release_id', 'release_title', 'artist_id', 'has_audio'])
        .where('track_id', '=', trackId),
    );
    return row
      ? {
          releaseId: row.release_id,
          releaseTitle: row.release_title,
          artistId: row.artist_id,
          hasAudio: row.has_audio === 1,
        }
      : null;
  }
}
