import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DownloadEntry, DownloadsStatus } from '../../../shared/contract/sync';
import { sql, type Selectable } from 'kysely';
import { assert } from '../../../shared/assert';
import type { Clock } from '../core/clock';
import type { Db } from '../db/database';
import { typedDb, type TypedDb } from '../db/typed-query';
import type { TrackLabel } from '../wallet/catalog-store';
import type { SyncApiClient } from './api-client';
import type { CoopDownloadsTable, SyncTables } from './tables';
import type { DownloadsCatalog } from './wallet-deps';

/**
 * Co-op audio on this device, in `<dataDir>/downloads`. A track is
 * downloaded when the user asks (for offline) or, in the background, when it
 * is first played (the first play streams it meanwhile; replays and offline
 * plays then use the file). The cache has a size limit; to fit,
 * unpinned downloads are evicted least recently played first. Pinned ones
 * are never evicted (only the user removes them).
 */

const EXTENSIONS: Record<string, string> = {
  'audio/mpeg': '.mp3',
  'audio/flac': '.flac',
  'audio/ogg': '.ogg',
  'audio/mp4': '.m4a',
  'audio/aac': '.aac',
  'audio/wav': '.wav',
  'audio/x-wav': '.wav',
  'audio/webm': '.webm',
};

export class Downloads {
  readonly dir: string;
  private readonly inFlight = new Map<string, { started: Promise<void>; done: Promise<DownloadEntry> }>();
  private readonly stopping = new AbortController();
  /** The size the server announced for each track's audio (Content-Length), once its download started. */
  private readonly announcedSizes = new Map<string, number>();

  /** Sync's own tables; the catalog's local_file and labels go through the wallet's catalog store. */
  private readonly db: TypedDb<SyncTables>;

  constructor(
    db: Db,
    dataDir: string,
    private readonly clock: Clock,
    /** The wallet domain's catalog, on this same `db` (its writes join this store's transactions). */
    private readonly catalog: DownloadsCatalog,
    /** Tracks being played now: never evicted under the player. */
    private readonly inUse: () => ReadonlySet<string>,
  ) {
    this.db = typedDb<SyncTables>(db);
    this.dir = join(dataDir, 'downloads');
    this.forgetMissingFiles();
  }

  /** The downloaded file of a track, if it is still there. */
  fileOf(trackId: string): string | null {
    const file = this.storedFile(trackId);
    return file !== null && existsSync(file) ? file : null;
  }

  entry(trackId: string): DownloadEntry | null {
    const row = this.db.get(
      this.db.q.selectFrom('coop_downloads').selectAll().where('track_id', '=', trackId),
    );
    return row ? this.toEntries([row])[0]! : null;
  }

  /** Downloads a track unless it is here already; concurrent requests for one track share one download. */
  ensure(trackId: string, client: SyncApiClient, options: { pin?: boolean } = {}): Promise<DownloadEntry> {
    const existing = this.fileOf(trackId) ? this.entry(trackId) : null;
    if (existing) {
      if (options.pin && !existing.pinned) return Promise.resolve(this.pin(trackId, true)!);
      return Promise.resolve(existing);
    }
    const pending = this.begin(trackId, client).done;
    return options.pin ? pending.then(() => this.pin(trackId, true)!) : pending;
  }

  /**
   * Starts downloading a track (or joins the download in flight).
   * `started` settles once the server has answered with the audio (or
   * failed to), `done` once the file is in the cache. The player streams a
   * track while this runs in the background (docs/sync.md).
   */
  begin(trackId: string, client: SyncApiClient): { started: Promise<void>; done: Promise<DownloadEntry> } {
    const existing = this.inFlight.get(trackId);
    if (existing) return existing;
    let markStarted!: () => void;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const done = this.download(trackId, client, markStarted).finally(() => this.inFlight.delete(trackId));
    const pending = { started: Promise.race([started, done.then(() => undefined)]), done };
    // `started` rejects with the download's error when it fails before the audio comes; callers that only wait for `done` need not look.
    pending.started.catch(() => undefined);
    this.inFlight.set(trackId, pending);
    return pending;
  }

  /** The byte size of a track's audio as far as this device knows it: the downloaded file's, or the size the server announced. */
  sizeOf(trackId: string): number | null {
    const row = this.db.get(
      this.db.q.selectFrom('coop_downloads').select('size_bytes').where('track_id', '=', trackId),
    );
    return row?.size_bytes ?? this.announcedSizes.get(trackId) ?? null;
  }

  /** Whether a download of the track is running. */
  downloading(trackId: string): boolean {
    return this.inFlight.has(trackId);
  }

  /** Resolves when no download is running (tests; closing). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()].map((p) => p.done));
  }

  /** Stops the downloads in flight (their partial files are removed) and waits for them: the app is closing. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  private async download(
    trackId: string,
    client: SyncApiClient,
    onStarted: () => void = () => undefined,
  ): Promise<DownloadEntry> {
    mkdirSync(this.dir, { recursive: true });
    const base = join(this.dir, trackId);
    const { sizeBytes, contentType } = await client.downloadAudio(trackId, `${base}.download`, {
      onStarted: (info) => {
        if (info.sizeBytes !== null) this.announcedSizes.set(trackId, info.sizeBytes);
        onStarted();
      },
      signal: this.stopping.signal,
    });
    const file = `${base}${EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()] ?? '.audio'}`;
    renameSync(`${base}.download`, file);
    const now = this.clock.nowMs();
    this.stored(trackId, file, sizeBytes, now);
    this.evictToFit(new Set([trackId]));
    return this.entry(trackId)!;
  }

  /**
   * A finished download: its row (a new one unpinned; a replaced one keeps its pin) and the
   * catalog's local file, in one transaction (the catalog store writes on the same Db).
   */
  private stored(trackId: string, file: string, sizeBytes: number, now: number): void {
    const { q } = this.db;
    this.db.raw.transaction(() => {
      this.db.run(
        q
          .insertInto('coop_downloads')
          .values({
            track_id: trackId,
            file,
            size_bytes: sizeBytes,
            pinned: 0,
            downloaded_at: now,
            last_used_at: now,
          })
          .onConflict((oc) =>
            oc.column('track_id').doUpdateSet((eb) => ({
              file: eb.ref('excluded.file'),
              size_bytes: eb.ref('excluded.size_bytes'),
              downloaded_at: eb.ref('excluded.downloaded_at'),
              last_used_at: eb.ref('excluded.last_used_at'),
            })),
          ),
      );
      this.catalog.setLocalFile(trackId, file);
    })();
  }

  /** The track was played: it moves to the back of the eviction queue. */
  touch(trackId: string): void {
    this.db.run(
      this.db.q
        .updateTable('coop_downloads')
        .set({ last_used_at: this.clock.nowMs() })
        .where('track_id', '=', trackId),
    );
  }

  pin(trackId: string, pinned: boolean): DownloadEntry | null {
    this.db.run(
      this.db.q
        .updateTable('coop_downloads')
        .set({ pinned: pinned ? 1 : 0 })
        .where('track_id', '=', trackId),
    );
    if (!pinned) this.evictToFit(new Set());
    return this.entry(trackId);
  }

  remove(trackId: string): boolean {
    const file = this.storedFile(trackId);
    if (file === null) return false;
    this.forget(trackId, file);
    return true;
  }

  limitBytes(): number {
    const row = this.db.get(
      this.db.q.selectFrom('sync_account').select('download_limit_bytes').where('id', '=', 1),
    );
    assert(row, 'sync_account has its one row (migration sync-001)');
    return row.download_limit_bytes;
  }

  setLimit(bytes: number): DownloadsStatus {
    this.db.run(
      this.db.q.updateTable('sync_account').set({ download_limit_bytes: bytes }).where('id', '=', 1),
    );
    this.evictToFit(new Set());
    return this.status();
  }

  status(): DownloadsStatus {
    const rows = this.db.all(
      this.db.q.selectFrom('coop_downloads').selectAll().orderBy('last_used_at', 'desc').orderBy('track_id'),
    );
    const entries = this.toEntries(rows);
    const usedBytes = entries.reduce((sum, e) => sum + e.sizeBytes, 0);
    const pinnedBytes = entries.filter((e) => e.pinned).reduce((sum, e) => sum + e.sizeBytes, 0);
    const limitBytes = this.limitBytes();
    return { usedBytes, limitBytes, pinnedBytes, overLimit: pinnedBytes > limitBytes, entries };
  }

  /**
   * Evicts unpinned downloads, least recently played first, until the cache
   * fits its limit. `keep` (the track just downloaded) and tracks playing now
   * are never evicted; if they and the pinned ones alone exceed the limit, the
   * cache stays over it (downloads.status says so) rather than break a play.
   */
  evictToFit(keep: ReadonlySet<string>): string[] {
    const limit = this.limitBytes();
    const { q } = this.db;
    const used =
      this.db.get(
        q
          .selectFrom('coop_downloads')
          .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size_bytes'), sql.lit(0)).as('n')),
      )?.n ?? 0;
    if (used <= limit) return [];
    const inUse = this.inUse();
    const candidates = this.db.all(
      q
        .selectFrom('coop_downloads')
        .select(['track_id as trackId', 'file', 'size_bytes as size'])
        .where('pinned', '=', 0)
        .orderBy('last_used_at')
        .orderBy('track_id'),
    );
    let over = used - limit;
    const evicted: string[] = [];
    for (const c of candidates) {
      if (over <= 0) break;
      if (keep.has(c.trackId) || inUse.has(c.trackId)) continue;
      this.forget(c.trackId, c.file);
      over -= c.size;
      evicted.push(c.trackId);
    }
    return evicted;
  }

  /**
   * Row first, then the file: a crash in between leaves a stray file, never a row pointing at
   * nothing. The row and the catalog's local file go in one transaction (one Db).
   */
  private forget(trackId: string, file: string): void {
    const { q } = this.db;
    this.db.raw.transaction(() => {
      this.db.run(q.deleteFrom('coop_downloads').where('track_id', '=', trackId));
      this.catalog.clearLocalFile(trackId, file);
    })();
    rmSync(file, { force: true });
  }

  /** At start: a download whose file was deleted behind our back is forgotten. */
  private forgetMissingFiles(): void {
    const rows = this.db.all(this.db.q.selectFrom('coop_downloads').select(['track_id as trackId', 'file']));
    for (const r of rows) if (!existsSync(r.file)) this.forget(r.trackId, r.file);
  }

  /** The file a track's download row points at (there or not), or null without a row. */
  private storedFile(trackId: string): string | null {
    const row = this.db.get(
      this.db.q.selectFrom('coop_downloads').select('file').where('track_id', '=', trackId),
    );
    return row?.file ?? null;
  }

  /** Download rows with what the Downloads view shows of their track: title, artist, owned (the catalog's labels). */
  private toEntries(rows: readonly Selectable<CoopDownloadsTable>[]): DownloadEntry[] {
    const labels = this.catalog.labels(rows.map((r) => r.track_id));
    return rows.map((row) => toEntry(row, labels.get(row.track_id)));
  }
}

function toEntry(row: Selectable<CoopDownloadsTable>, label: TrackLabel | undefined): DownloadEntry {
  return {
    trackId: row.track_id,
    title: label?.title ?? row.track_id,
    artist: label?.artist ?? '',
    sizeBytes: row.size_bytes,
    pinned: row.pinned === 1,
    owned: label?.owned ?? false,
    lastUsedAtMs: row.last_used_at,
  };
}
