import { sql, type ExpressionBuilder, type Insertable, type Nullable, type Selectable } from 'kysely';
import type { Clock } from '../core/clock';
import type { Db } from '../db/database';
import { typedDb, type TypedDb } from '../db/typed-query';
import type { TrackProgress } from './charge-rules';
import type { CoopTrackProgressTable, CoopTracksTable, WalletTables } from './tables';

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

/** A catalog row with its progress columns (null when the track has no progress row yet). */
type Row = Selectable<CoopTracksTable> &
  Pick<Nullable<Selectable<CoopTrackProgressTable>>, 'paid_plays' | 'owned' | 'counted_plays' | 'previews'>;

/** The catalog joined with progress, as `t` and `p`. */
function tracksWithProgress(db: TypedDb<WalletTables>) {
  return db.q.selectFrom('coop_tracks as t').leftJoin('coop_track_progress as p', 'p.track_id', 't.id');
}
type CatalogScope = ExpressionBuilder<
  WalletTables & { t: CoopTracksTable; p: Nullable<CoopTrackProgressTable> },
  't' | 'p'
>;

/** Every catalog column and the progress counts. */
function selectRows(db: TypedDb<WalletTables>) {
  return tracksWithProgress(db)
    .selectAll('t')
    .select(['p.paid_plays', 'p.owned', 'p.counted_plays', 'p.previews']);
}

/**
 * Whether the listener may see and play a track: published, or (once
 * unpublished) owned by the listener or their own release, as the server
 * still streams it to them.
 */
function visible(eb: CatalogScope) {
  return eb.or([
    eb('t.published', '=', 1),
    eb(eb.fn.coalesce('p.owned', eb.lit(0)), '=', 1),
    eb(eb.fn.coalesce('p.paid_plays', eb.lit(0)), '>=', 9),
    eb('t.is_own', '=', 1),
  ]);
}

/** Title, artist or album contains the text (LIKE wildcards in it escaped with \\). */
function matches(eb: CatalogScope, text: string) {
  const pattern = likePattern(text);
  const like = (column: 't.title' | 't.artist' | 't.album') =>
    sql<boolean>`${sql.ref(column)} LIKE ${pattern} ESCAPE '\\'`;
  return eb.or([like('t.title'), like('t.artist'), like('t.album')]);
}

/** Artist, then title, case-insensitive (as the coop_tracks_by_artist index), then id. */
const BY_ARTIST_NOCASE = sql`t.artist COLLATE NOCASE, t.title COLLATE NOCASE, t.id`;

/** See `visible`: the same rule for a track already read. */
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

/** Rows per upsert statement: 11 values each, under SQLite's historical 999-parameter limit. */
const UPSERT_CHUNK = 90;

function trackRow(t: CoopTrackRecord, updatedAt: number): Insertable<CoopTracksTable> {
  return {
    id: t.id,
    title: t.title,
    artist: t.artist,
    album: t.album,
    duration_ms: t.durationMs,
    status: t.status,
    rightsholder: t.rightsholder,
    is_own: t.isOwn ? 1 : 0,
    local_file: t.localFile,
    published: t.published === false ? 0 : 1,
    updated_at: updatedAt,
  };
}

/** A track as another domain's list shows it; title and artist are null for a track not cached. */
export interface TrackLabel {
  title: string | null;
  artist: string | null;
  owned: boolean;
}

/** Ids per `IN (…)` list: far below SQLite's bound-parameter limit. */
const IDS_PER_STATEMENT = 500;

function idParts(ids: readonly string[]): (readonly string[])[] {
  const parts: (readonly string[])[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) parts.push(ids.slice(i, i + IDS_PER_STATEMENT));
  return parts;
}

export class CoopCatalogStore {
  private readonly db: TypedDb<WalletTables>;

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.db = typedDb<WalletTables>(db);
  }

  /**
   * Adds or replaces catalog rows (never touches progress). A first sync brings
   * the whole catalog, so rows go UPSERT_CHUNK to a statement: building one
   * statement per row cost about 5× a raw prepared-statement loop (40,000
   * upserts: ~2.4 s against ~0.45 s), chunks cost the same as that loop.
   * SQLite applies the upsert row by row, so a track listed twice ends as its
   * last listing, as before.
   */
  upsert(tracks: readonly CoopTrackRecord[]): void {
    const updatedAt = this.clock.nowMs();
    this.db.raw.transaction(() => {
      for (let i = 0; i < tracks.length; i += UPSERT_CHUNK)
        this.db.run(this.upsertQuery(tracks.slice(i, i + UPSERT_CHUNK), updatedAt));
    })();
  }

  private upsertQuery(tracks: readonly CoopTrackRecord[], updatedAt: number) {
    return this.db.q
      .insertInto('coop_tracks')
      .values(tracks.map((t) => trackRow(t, updatedAt)))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'),
          artist: eb.ref('excluded.artist'),
          album: eb.ref('excluded.album'),
          duration_ms: eb.ref('excluded.duration_ms'),
          status: eb.ref('excluded.status'),
          rightsholder: eb.ref('excluded.rightsholder'),
          is_own: eb.ref('excluded.is_own'),
          local_file: eb.ref('excluded.local_file'),
          published: eb.ref('excluded.published'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      );
  }

  /** The track's audio was downloaded to `file` (the sync domain's downloads). */
  setLocalFile(id: string, file: string): void {
    this.db.run(this.db.q.updateTable('coop_tracks').set({ local_file: file }).where('id', '=', id));
  }

  /** The download at `file` is gone: the track forgets it, unless it already points at another file. */
  clearLocalFile(id: string, file: string): void {
    this.db.run(
      this.db.q
        .updateTable('coop_tracks')
        .set({ local_file: null })
        .where('id', '=', id)
        .where('local_file', '=', file),
    );
  }

  /**
   * What lists of other domains show of these tracks (downloads, corrections), one entry per id
   * asked: title and artist (null when the track is not cached) and whether its progress says owned.
   */
  labels(ids: readonly string[]): Map<string, TrackLabel> {
    const labels = new Map<string, TrackLabel>();
    for (const id of ids) labels.set(id, { title: null, artist: null, owned: false });
    const { q } = this.db;
    for (const part of idParts(ids)) {
      const cached = q.selectFrom('coop_tracks').select(['id', 'title', 'artist']).where('id', 'in', part);
      for (const t of this.db.all(cached))
        Object.assign(labels.get(t.id)!, { title: t.title, artist: t.artist });
      // Progress is read apart from the catalog: a track may have progress before (or without) its catalog row.
      const owned = q
        .selectFrom('coop_track_progress')
        .select('track_id')
        .where('track_id', 'in', part)
        .where('owned', '=', 1);
      for (const p of this.db.all(owned)) labels.get(p.track_id)!.owned = true;
    }
    return labels;
  }

  /** Whether any of these cached tracks is unpublished (tracks not cached count as published). */
  anyUnpublished(ids: readonly string[]): boolean {
    return idParts(ids).some(
      (part) =>
        this.db.get(
          this.db.q
            .selectFrom('coop_tracks')
            .select('id')
            .where('id', 'in', part)
            .where('published', '=', 0)
            .limit(1),
        ) !== undefined,
    );
  }

  /** Any cached track, unpublished ones too (history, downloads, an owner's play). */
  get(id: string): CoopTrackWithProgress | null {
    const row = this.db.get(selectRows(this.db).where('t.id', '=', id));
    return row ? fromRow(row) : null;
  }

  /** Catalog browsing: published tracks, and unpublished ones the listener owns or holds the rights of. */
  list(options: { query?: string; limit: number; offset: number }): {
    tracks: CoopTrackWithProgress[];
    total: number;
  } {
    const text = options.query?.trim();
    const where = (eb: CatalogScope) => (text ? eb.and([visible(eb), matches(eb, text)]) : visible(eb));
    const counted = this.db.get(
      tracksWithProgress(this.db)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(where),
    );
    const rows = this.db.all(
      selectRows(this.db).where(where).orderBy(BY_ARTIST_NOCASE).limit(options.limit).offset(options.offset),
    );
    return { tracks: rows.map(fromRow), total: counted?.n ?? 0 };
  }

  /** The Collection: owned tracks. */
  owned(): CoopTrackWithProgress[] {
    const rows = this.db.all(selectRows(this.db).where('p.owned', '=', 1).orderBy(BY_ARTIST_NOCASE));
    return rows.map(fromRow);
  }
}
