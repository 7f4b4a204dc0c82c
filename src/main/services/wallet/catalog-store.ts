import type { Clock } from '../core/clock';
import type { Db } from '../db/database';
import type { TrackProgress } from './charge-rules';

/**
 * The co-op catalog cached on this device. The sync engine fills it with
 * `upsert`; until then tests (and dev tools) do. Progress (paid plays,
 * owned) lives in its own table and is read alongside.
 */
export interface CoopTrackRecord {
  id: string;
  title: string;
  artist: string;
  album: string | null;
  durationMs: number;
  status: 'paid' | 'free';
  rightsholder: string;
  /** The user is the rightsholder. */
  isOwn: boolean;
  /** The downloaded audio file, if any. */
  localFile: string | null;
  /**
   * False once the artist unpublished its release (default true). The row
   * stays: owners and rightsholders keep it, everybody else stops seeing it.
   */
  published?: boolean;
}

export interface CoopTrackWithProgress extends CoopTrackRecord {
  published: boolean;
  progress: TrackProgress;
}

interface Row {
  id: string;
  title: string;
  artist: string;
  album: string | null;
  duration_ms: number;
  status: 'paid' | 'free';
  rightsholder: string;
  is_own: number;
  local_file: string | null;
  published: number;
  paid_plays: number | null;
  owned: number | null;
  counted_plays: number | null;
  previews: number | null;
}

const SELECT = `SELECT t.*, p.paid_plays, p.owned, p.counted_plays, p.previews
  FROM coop_tracks t LEFT JOIN coop_track_progress p ON p.track_id = t.id`;

/**
 * Whether the listener may see and play a track: published, or (once
 * unpublished) owned by the listener or their own release, as the server
 * still streams it to them.
 */
const VISIBLE = `(t.published = 1 OR COALESCE(p.owned, 0) = 1 OR COALESCE(p.paid_plays, 0) >= 9 OR t.is_own = 1)`;

/** See `VISIBLE`: the same rule for a track already read. */
export function isVisibleTrack(track: CoopTrackWithProgress): boolean {
  return track.published || track.progress.owned || track.progress.paidPlays >= 9 || track.isOwn;
}

function fromRow(row: Row): CoopTrackWithProgress {
  return {
    id: row.id,
    title: row.title,
    artist: row.artist,
    album: row.album,
    durationMs: row.duration_ms,
    status: row.status,
    rightsholder: row.rightsholder,
    isOwn: row.is_own === 1,
    localFile: row.local_file,
    published: row.published === 1,
    progress: {
      paidPlays: row.paid_plays ?? 0,
      owned: row.owned === 1,
      countedPlays: row.counted_plays ?? 0,
      previews: row.previews ?? 0,
    },
  };
}

/** Escapes LIKE wildcards so a search for "100%" finds "100%". */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class CoopCatalogStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Adds or replaces catalog rows (never touches progress). */
  upsert(tracks: readonly CoopTrackRecord[]): void {
    const statement = this.db.prepare(`INSERT INTO coop_tracks
        (id, title, artist, album, duration_ms, status, rightsholder, is_own, local_file, published, updated_at)
      VALUES (@id, @title, @artist, @album, @durationMs, @status, @rightsholder, @isOwn, @localFile, @published, @updatedAt)
      ON CONFLICT (id) DO UPDATE SET title = excluded.title, artist = excluded.artist, album = excluded.album,
        duration_ms = excluded.duration_ms, status = excluded.status, rightsholder = excluded.rightsholder,
        is_own = excluded.is_own, local_file = excluded.local_file, published = excluded.published, updated_at = excluded.updated_at`);
    const updatedAt = this.clock.nowMs();
    this.db.transaction(() => {
      for (const t of tracks)
        statement.run({ ...t, isOwn: t.isOwn ? 1 : 0, published: t.published === false ? 0 : 1, updatedAt });
    })();
  }

  /** Any cached track, unpublished ones too (history, downloads, an owner's play). */
  get(id: string): CoopTrackWithProgress | null {
    const row = this.db.prepare(`${SELECT} WHERE t.id = ?`).get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** Catalog browsing: published tracks, and unpublished ones the listener owns or holds the rights of. */
  list(options: { query?: string; limit: number; offset: number }): {
    tracks: CoopTrackWithProgress[];
    total: number;
  } {
    const query = options.query?.trim();
    const match = query
      ? ` AND (t.title LIKE @pattern ESCAPE '\\' OR t.artist LIKE @pattern ESCAPE '\\' OR t.album LIKE @pattern ESCAPE '\\')`
      : '';
    const where = `WHERE ${VISIBLE}${match}`;
    const params = {
      pattern: query ? likePattern(query) : null,
      limit: options.limit,
      offset: options.offset,
    };
    const total = (
      this.db
        .prepare(
          `SELECT COUNT(*) AS n FROM coop_tracks t LEFT JOIN coop_track_progress p ON p.track_id = t.id ${where}`,
        )
        .get(params) as { n: number }
    ).n;
    const rows = this.db
      .prepare(
        `${SELECT} ${where} ORDER BY t.artist COLLATE NOCASE, t.title COLLATE NOCASE, t.id LIMIT @limit OFFSET @offset`,
      )
      .all(params) as Row[];
    return { tracks: rows.map(fromRow), total };
  }

  /** The Collection: owned tracks. */
  owned(): CoopTrackWithProgress[] {
    const rows = this.db
      .prepare(`${SELECT} WHERE p.owned = 1 ORDER BY t.artist COLLATE NOCASE, t.title COLLATE NOCASE, t.id`)
      .all() as Row[];
    return rows.map(fromRow);
  }
}
