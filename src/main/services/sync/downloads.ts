import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DownloadEntry, DownloadsStatus } from '../../../shared/contract/sync';
import type { Clock } from '../core/clock';
import type { Db } from '../db/database';
import type { SyncApiClient } from './api-client';

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

interface Row {
  track_id: string;
  file: string;
  size_bytes: number;
  pinned: number;
  last_used_at: number;
  title: string | null;
  artist: string | null;
  owned: number | null;
}

export class Downloads {
  readonly dir: string;
  private readonly inFlight = new Map<string, { started: Promise<void>; done: Promise<DownloadEntry> }>();
  private readonly stopping = new AbortController();
  /** The size the server announced for each track's audio (Content-Length), once its download started. */
  private readonly announcedSizes = new Map<string, number>();

  constructor(
    private readonly db: Db,
    dataDir: string,
    private readonly clock: Clock,
    /** Tracks being played now: never evicted under the player. */
    private readonly inUse: () => ReadonlySet<string>,
  ) {
    this.dir = join(dataDir, 'downloads');
    this.forgetMissingFiles();
  }

  /** The downloaded file of a track, if it is still there. */
  fileOf(trackId: string): string | null {
    const row = this.db.prepare('SELECT file FROM coop_downloads WHERE track_id = ?').get(trackId) as
      { file: string } | undefined;
    return row && existsSync(row.file) ? row.file : null;
  }

  entry(trackId: string): DownloadEntry | null {
    const row = this.db.prepare(`${SELECT} WHERE d.track_id = ?`).get(trackId) as Row | undefined;
    return row ? toEntry(row) : null;
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
    const row = this.db
      .prepare('SELECT size_bytes AS n FROM coop_downloads WHERE track_id = ?')
      .get(trackId) as { n: number } | undefined;
    return row?.n ?? this.announcedSizes.get(trackId) ?? null;
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
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO coop_downloads (track_id, file, size_bytes, pinned, downloaded_at, last_used_at) VALUES (?, ?, ?, 0, ?, ?)
           ON CONFLICT (track_id) DO UPDATE SET file = excluded.file, size_bytes = excluded.size_bytes, downloaded_at = excluded.downloaded_at,
             last_used_at = excluded.last_used_at`,
        )
        .run(trackId, file, sizeBytes, now, now);
      this.db.prepare('UPDATE coop_tracks SET local_file = ? WHERE id = ?').run(file, trackId);
    })();
    this.evictToFit(new Set([trackId]));
    return this.entry(trackId)!;
  }

  /** The track was played: it moves to the back of the eviction queue. */
  touch(trackId: string): void {
    this.db
      .prepare('UPDATE coop_downloads SET last_used_at = ? WHERE track_id = ?')
      .run(this.clock.nowMs(), trackId);
  }

  pin(trackId: string, pinned: boolean): DownloadEntry | null {
    this.db.prepare('UPDATE coop_downloads SET pinned = ? WHERE track_id = ?').run(pinned ? 1 : 0, trackId);
    if (!pinned) this.evictToFit(new Set());
    return this.entry(trackId);
  }

  remove(trackId: string): boolean {
    const row = this.db.prepare('SELECT file FROM coop_downloads WHERE track_id = ?').get(trackId) as
      { file: string } | undefined;
    if (!row) return false;
    this.forget(trackId, row.file);
    return true;
  }

  limitBytes(): number {
    return (
      this.db.prepare('SELECT download_limit_bytes AS n FROM sync_account WHERE id = 1').get() as {
        n: number;
      }
    ).n;
  }

  setLimit(bytes: number): DownloadsStatus {
    this.db.prepare('UPDATE sync_account SET download_limit_bytes = ? WHERE id = 1').run(bytes);
    this.evictToFit(new Set());
    return this.status();
  }

  status(): DownloadsStatus {
    const rows = this.db.prepare(`${SELECT} ORDER BY d.last_used_at DESC, d.track_id`).all() as Row[];
    const entries = rows.map(toEntry);
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
    const used = (
      this.db.prepare('SELECT COALESCE(SUM(size_bytes), 0) AS n FROM coop_downloads').get() as { n: number }
    ).n;
    if (used <= limit) return [];
    const inUse = this.inUse();
    const candidates = this.db
      .prepare(
        'SELECT track_id AS trackId, file, size_bytes AS size FROM coop_downloads WHERE pinned = 0 ORDER BY last_used_at, track_id',
      )
      .all() as { trackId: string; file: string; size: number }[];
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

  /** Row first, then the file: a crash in between leaves a stray file, never a row pointing at nothing. */
  private forget(trackId: string, file: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM coop_downloads WHERE track_id = ?').run(trackId);
      this.db
        .prepare('UPDATE coop_tracks SET local_file = NULL WHERE id = ? AND local_file = ?')
        .run(trackId, file);
    })();
    rmSync(file, { force: true });
  }

  /** At start: a download whose file was deleted behind our back is forgotten. */
  private forgetMissingFiles(): void {
    const rows = this.db.prepare('SELECT track_id AS trackId, file FROM coop_downloads').all() as {
      trackId: string;
      file: string;
    }[];
    for (const r of rows) if (!existsSync(r.file)) this.forget(r.trackId, r.file);
  }
}

const SELECT = `SELECT d.*, t.title, t.artist, p.owned FROM coop_downloads d
  LEFT JOIN coop_tracks t ON t.id = d.track_id LEFT JOIN coop_track_progress p ON p.track_id = d.track_id`;

function toEntry(row: Row): DownloadEntry {
  return {
    trackId: row.track_id,
    title: row.title ?? row.track_id,
    artist: row.artist ?? '',
    sizeBytes: row.size_bytes,
    pinned: row.pinned === 1,
    owned: row.owned === 1,
    lastUsedAtMs: row.last_used_at,
  };
}
