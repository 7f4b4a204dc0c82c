import { assert } from '../../../shared/assert';
import type { Correction } from '../../../shared/contract/sync';
import { playReceiptSchema, type PlayReceipt, type SignedPlayReceipt } from '../../../shared/receipt';
import type { Db } from '../db/database';
import type { CoopCatalogStore, CoopTrackRecord } from '../wallet/catalog-store';
import type { WalletStore } from '../wallet/wallet-store';
import { stream2OwnState } from '../wallet/charge-rules';
import { SyncApiError, type PullAnswer, type ReceiptsAnswer } from './api-client';

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

type PushResult = ReceiptsAnswer['results'][number];
type NewCorrection = Omit<Correction, 'id' | 'createdAtMs'>;
interface LocalPlay {
  trackId: string;
  charge: number;
  title: string;
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

function preparePushStatements(db: Db) {
  return {
    markAnswered: db.prepare(
      'UPDATE outbox SET answered_at = ?, answer = ? WHERE id = ? AND answered_at IS NULL',
    ),
    keepForRetry: db.prepare(
      'UPDATE outbox SET attempts = attempts + 1, last_reason = ? WHERE id = ? AND answered_at IS NULL RETURNING attempts',
    ),
    scheduleRetry: db.prepare('UPDATE outbox SET next_attempt_at = ? WHERE id = ?'),
    localPlay: db.prepare(
      `SELECT p.track_id AS trackId, p.charge_thousandths AS charge, COALESCE(t.title, p.track_id) AS title
       FROM coop_plays p LEFT JOIN coop_tracks t ON t.id = p.track_id WHERE p.receipt_id = ?`,
    ),
    insertCorrection: db.prepare(
      `INSERT INTO sync_corrections (receipt_id, track_id, kind, estimated_thousandths, actual_thousandths, reason, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (receipt_id) DO NOTHING`,
    ),
    bumpServerCounts: db.prepare(
      `INSERT INTO coop_server_counts (track_id, paid_plays, total_plays, owned) VALUES (@trackId, @paid, @inc, @owned)
       ON CONFLICT (track_id) DO UPDATE SET paid_plays = MAX(paid_plays, @paid), total_plays = total_plays + @inc,
         owned = MAX(owned, @owned)`,
    ),
  };
}
type PushStatements = ReturnType<typeof preparePushStatements>;

/**
 * What the server's answer to one receipt corrects in the local estimate, or null:
 * a final rejection voids the charge, an unpaid play a charged one, a settled price
 * that differs from the estimate replaces it.
 */
function correctionFor(
  receipt: PlayReceipt,
  result: PushResult,
  play: LocalPlay | undefined,
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
      reason: 'the wallet did not cover this play',
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
  st: PushStatements,
  receiptId: string,
  reason: string,
  atMs: number,
  tally: PushTally,
): void {
  const kept = st.keepForRetry.get(reason.slice(0, 100), receiptId) as { attempts: number } | undefined;
  if (!kept) return;
  assert(kept.attempts >= 1, 'a kept receipt counts its attempt');
  st.scheduleRetry.run(atMs + receiptRetryDelayMs(kept.attempts), receiptId);
  tally.keptForRetry++;
}

/** Stores a correction once per receipt; a receipt corrected before adds none. */
function storeCorrection(
  st: PushStatements,
  correction: NewCorrection,
  atMs: number,
  tally: PushTally,
): void {
  const info = st.insertCorrection.run(
    correction.receiptId,
    correction.trackId,
    correction.kind,
    correction.estimatedThousandths,
    correction.actualThousandths,
    correction.reason,
    atMs,
  );
  if (info.changes === 1)
    tally.corrections.push({ ...correction, id: Number(info.lastInsertRowid), createdAtMs: atMs });
}

/** One result of a push answer, inside its transaction. */
function applyOneResult(
  st: PushStatements,
  receipt: PlayReceipt,
  result: PushResult,
  atMs: number,
  tally: PushTally,
): void {
  if (result.status === 'rejected' && !FINAL_REJECTIONS.has(result.reason)) {
    keepForRetry(st, receipt.id, result.reason, atMs, tally);
    return;
  }
  // Only the first answer is stored; an answer for a row answered before changes nothing.
  if (st.markAnswered.run(atMs, JSON.stringify(result), receipt.id).changes !== 1) return;
  tally.answered++;
  tally.answeredIds.push(receipt.id);
  tally.touched.add(receipt.trackId);
  const play = st.localPlay.get(receipt.id) as LocalPlay | undefined;
  const correction = correctionFor(receipt, result, play);
  if (result.status === 'settled') {
    // Until the next pull brings the server's counts: a duplicate may already be in them, so it adds no play.
    st.bumpServerCounts.run({
      trackId: receipt.trackId,
      paid: result.outcome === 'paid' ? (result.playIndex ?? 0) : 0,
      inc: result.duplicate ? 0 : 1,
      owned: result.owned ? 1 : 0,
    });
  }
  if (correction) storeCorrection(st, correction, atMs, tally);
}

export class SyncStore {
  constructor(
    private readonly db: Db,
    private readonly wallet: WalletStore,
    private readonly catalog: CoopCatalogStore,
    private readonly currentDeviceId: () => string,
  ) {}

  account(): AccountRow {
    const row = this.db.prepare('SELECT * FROM sync_account WHERE id = 1').get() as {
      server_key: string | null;
      user_id: string | null;
      email: string | null;
      role: AccountRow['role'];
      artists_json: string;
      cursor: string | null;
      cursor_user_id: string | null;
      last_sync_at: number | null;
      download_limit_bytes: number;
    };
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
    this.db.transaction(() => {
      const before = this.db
        .prepare('SELECT server_key, cursor_user_id FROM sync_account WHERE id = 1')
        .get() as {
        server_key: string | null;
        cursor_user_id: string | null;
      };
      const sameListener = before.cursor_user_id === user.id && before.server_key === serverKey;
      this.db
        .prepare(
          'UPDATE sync_account SET server_key = ?, user_id = ?, email = ?, role = ?, artists_json = ? WHERE id = 1',
        )
        .run(serverKey, user.id, user.email, user.role, JSON.stringify(user.artists));
      if (!sameListener) {
        // Another listener (or server): the wallet row is not theirs; nothing is spendable until their first sync.
        this.wallet.reset({ serverKey, userId: user.id, deviceId: this.currentDeviceId() });
        this.db
          .prepare(
            'UPDATE sync_account SET cursor = NULL, cursor_user_id = ?, last_sync_at = NULL WHERE id = 1',
          )
          .run(user.id);
        this.db.prepare('DELETE FROM coop_server_counts').run();
        for (const { track_id } of this.db.prepare('SELECT track_id FROM coop_track_progress').all() as {
          track_id: string;
        }[]) {
          this.recomputeProgress(track_id, atMs);
        }
      }
    })();
  }

  signedOut(): void {
    // The cursor and counts stay: the same listener signing in again continues from them.
    this.db
      .prepare(
        'UPDATE sync_account SET user_id = NULL, email = NULL, role = NULL, artists_json = ? WHERE id = 1',
      )
      .run('[]');
  }

  setDownloadLimit(bytes: number): void {
    this.db.prepare('UPDATE sync_account SET download_limit_bytes = ? WHERE id = 1').run(bytes);
  }

  isDeviceRegistered(deviceId: string, serverKey: string, userId: string): boolean {
    return Boolean(
      this.db
        .prepare('SELECT 1 FROM sync_devices WHERE device_id = ? AND server_key = ? AND user_id = ?')
        .get(deviceId, serverKey, userId),
    );
  }

  deviceRegistered(deviceId: string, serverKey: string, userId: string, atMs: number): void {
    this.db
      .prepare(
        `INSERT INTO sync_devices (device_id, server_key, user_id, registered_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (device_id, server_key) DO UPDATE SET user_id = excluded.user_id`,
      )
      .run(deviceId, serverKey, userId, atMs);
  }

  /** Device ids that signed receipts still waiting for an answer. */
  devicesWithPendingReceipts(): string[] {
    return (
      this.db.prepare('SELECT DISTINCT device_id AS id FROM outbox WHERE answered_at IS NULL').all() as {
        id: string;
      }[]
    ).map((r) => r.id);
  }

  /** The next batch to send, oldest first; receipts kept for a retry wait until their time (`nowMs`). */
  unansweredBatch(limit: number, nowMs: number): SignedPlayReceipt[] {
    const rows = this.db
      .prepare(
        `SELECT canonical_json AS json, signature FROM outbox
         WHERE answered_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
         ORDER BY created_at, device_id, seq LIMIT ?`,
      )
      .all(nowMs, limit) as { json: string; signature: string }[];
    // Sent as stored: the canonical JSON parsed back is the same receipt the device signed.
    return rows.map((r) => ({
      receipt: playReceiptSchema.parse(JSON.parse(r.json)) as PlayReceipt,
      signature: r.signature,
    }));
  }

  pendingReceipts(): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE answered_at IS NULL').get() as { n: number }
    ).n;
  }

  /**
   * Stores the server's answer to a batch, in one transaction. Checked first
   * (before anything is written): one result per receipt sent, each naming
   * the receipt at its index; an answer that does not match is garbage and
   * changes nothing.
   */
  applyPushAnswer(sent: readonly SignedPlayReceipt[], answer: ReceiptsAnswer, atMs: number): PushOutcome {
    const byIndex = resultsByIndex(sent, answer);
    const statements = preparePushStatements(this.db);
    const tally: PushTally = {
      answered: 0,
      keptForRetry: 0,
      corrections: [],
      answeredIds: [],
      touched: new Set(),
    };
    this.db
      .transaction(() => {
        for (const [index, result] of byIndex)
          applyOneResult(statements, sent[index]!.receipt, result, atMs, tally);
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
        for (const trackId of tally.touched) this.recomputeProgress(trackId, atMs);
      })
      .immediate();
    return { answered: tally.answered, keptForRetry: tally.keptForRetry, corrections: tally.corrections };
  }

  /** Applies one page of `POST /v1/sync`, cursor included, in one transaction. */
  applyPull(answer: PullAnswer, atMs: number, localFileOf: (trackId: string) => string | null): void {
    const artists = new Set(this.account().artists.map((a) => a.id));
    const upsertCounts = this.db.prepare(
      `INSERT INTO coop_server_counts (track_id, paid_plays, total_plays, owned) VALUES (?, ?, ?, ?)
       ON CONFLICT (track_id) DO UPDATE SET paid_plays = excluded.paid_plays, total_plays = excluded.total_plays, owned = excluded.owned`,
    );
    const upsertMeta = this.db.prepare(
      `INSERT INTO coop_track_meta (track_id, artist_id, release_id, release_title, has_audio, server_version) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (track_id) DO UPDATE SET artist_id = excluded.artist_id, release_id = excluded.release_id,
         release_title = excluded.release_title, has_audio = excluded.has_audio, server_version = excluded.server_version`,
    );
    this.db
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
        for (const t of answer.catalog.tracks)
          upsertMeta.run(t.id, t.artistId, t.releaseId, t.releaseTitle, t.hasAudio ? 1 : 0, t.version);
        for (const c of answer.playCounts) {
          upsertCounts.run(c.trackId, c.paidPlays, c.totalPlays, c.owned ? 1 : 0);
          this.recomputeProgress(c.trackId, atMs);
        }
        this.db
          .prepare('UPDATE sync_account SET cursor = ?, last_sync_at = ? WHERE id = 1')
          .run(answer.cursor, atMs);
      })
      .immediate();
  }

  /**
   * A track's progress as this device should show it: the server's counts
   * (all devices, authoritative) plus this device's plays the server has not
   * settled yet. Previews are local only and kept.
   */
  recomputeProgress(trackId: string, atMs: number): void {
    const server = (this.db
      .prepare(
        'SELECT paid_plays AS paid, total_plays AS total, owned FROM coop_server_counts WHERE track_id = ?',
      )
      .get(trackId) as { paid: number; total: number; owned: number } | undefined) ?? {
      paid: 0,
      total: 0,
      owned: 0,
    };
    const local = this.db
      .prepare(
        `SELECT COALESCE(SUM(outcome = 'charged'), 0) AS paid, COUNT(*) AS counted FROM coop_plays
         WHERE track_id = ? AND settled_at IS NULL AND outcome <> 'preview'`,
      )
      .get(trackId) as { paid: number; counted: number };
    const current = this.wallet.progress(trackId);
    const paidPlays = Math.min(9, server.paid + local.paid);
    this.wallet.saveProgress(
      trackId,
      {
        paidPlays,
        owned: server.owned === 1 || paidPlays >= 9,
        countedPlays: server.total + local.counted,
        previews: current.previews,
      },
      atMs,
    );
  }

  corrections(limit: number): Correction[] {
    const rows = this.db
      .prepare(
        `SELECT c.*, COALESCE(t.title, c.track_id) AS title FROM sync_corrections c LEFT JOIN coop_tracks t ON t.id = c.track_id
         ORDER BY c.id DESC LIMIT ?`,
      )
      .all(limit) as {
      id: number;
      receipt_id: string;
      track_id: string;
      title: string;
      kind: Correction['kind'];
      estimated_thousandths: number;
      actual_thousandths: number;
      reason: string | null;
      created_at: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      receiptId: r.receipt_id,
      trackId: r.track_id,
      title: r.title,
      kind: r.kind,
      estimatedThousandths: r.estimated_thousandths,
      actualThousandths: r.actual_thousandths,
      reason: r.reason,
      createdAtMs: r.created_at,
    }));
  }

  markCorrectionsSeen(): void {
    this.db.prepare('UPDATE sync_corrections SET seen = 1 WHERE seen = 0').run();
  }

  unseenCorrections(): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM sync_corrections WHERE seen = 0').get() as { n: number }
    ).n;
  }

  /** The sum of the remaining cost to own of a release's cached tracks (what wallet.buyRelease would charge, as this device knows it). */
  releaseRemainingToOwn(releaseId: string, spendableThousandths: number): number {
    const ids = this.db
      .prepare('SELECT track_id AS id FROM coop_track_meta WHERE release_id = ?')
      .all(releaseId) as { id: string }[];
    let total = 0;
    for (const { id } of ids) {
      const track = this.catalog.get(id);
      if (track)
        total += stream2OwnState(track, track.progress, spendableThousandths).remainingToOwnThousandths;
    }
    return total;
  }

  /** The title of a cached release, or null when no track of it is cached. */
  releaseTitle(releaseId: string): string | null {
    const row = this.db
      .prepare('SELECT release_title AS t FROM coop_track_meta WHERE release_id = ? LIMIT 1')
      .get(releaseId) as { t: string } | undefined;
    return row?.t ?? null;
  }

  /** Whether a cached track of the release is unpublished (the server refuses to sell the release then). */
  releaseUnpublished(releaseId: string): boolean {
    return Boolean(
      this.db
        .prepare(
          'SELECT 1 FROM coop_track_meta m JOIN coop_tracks t ON t.id = m.track_id WHERE m.release_id = ? AND t.published = 0 LIMIT 1',
        )
        .get(releaseId),
    );
  }

  trackMeta(
    trackId: string,
  ): { releaseId: string; releaseTitle: string; artistId: string; hasAudio: boolean } | null {
    const row = this.db
      .prepare(
        'SELECT release_id AS releaseId, release_title AS releaseTitle, artist_id AS artistId, has_audio AS hasAudio FROM coop_track_meta WHERE track_id = ?',
      )
      .get(trackId) as
      { releaseId: string; releaseTitle: string; artistId: string; hasAudio: number } | undefined;
    return row ? { ...row, hasAudio: row.hasAudio === 1 } : null;
  }
}
