import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import { CallError } from '../../../shared/contract/define';
import type { DjQueryInput, DjTrack, TrackRef } from '../../../shared/contract/dj';
import { parseQuery, type QueryNode } from '../../../shared/query';
import {
  DISTINCT_GENRES_SQL,
  compileConjuncts,
  compileQuery,
  mentionsOwned,
  type CompileContext,
  type Conjunct,
} from './query-sql';
import { djDb, fragment, sqlQuery, type DjDb } from './dj-db';
import {
  COOP_COLUMNS,
  COOP_ROWS_SQL,
  orderBySql,
  TRACK_COLUMNS,
  hasCoopTables,
  toCoopDjTrack,
  toDjTrack,
  type CoopRow,
  type TrackRow,
} from './track-rows';

type Where = { sql: string; params: unknown[] };

/** A row of the merged page: a library track or a co-op one, told apart by `source`. */
type MergedRow = (TrackRow & { source: 'local' }) | (CoopRow & { source: 'coop' });

/**
 * Both sides of the collection, compiled: the user's files (`sql` is the
 * `status` test AND the query's `filter`; `params` serve both, in that
 * order), and co-op rows (null: none in scope).
 */
interface Compiled {
  local: Where & { status: string; statusParams: unknown[]; conjuncts: Conjunct[] };
  coop: Where | null;
}

/** Sorts with an index leading with status (the library's and DJ's), which a page can walk in order. */
const INDEXED_SORTS = new Set<DjQueryInput['sort']>(['title', 'artist', 'album', 'bpm', 'key', 'addedAt']);

/** The DJ indexes in each sort's full order (schema dj-004), named so the planner cannot pick another. */
const SORT_INDEX: Partial<Record<DjQueryInput['sort'], string>> = {
  bpm: 'dj_tracks_numbers',
  key: 'dj_tracks_key',
  addedAt: 'dj_tracks_added',
};

/** The query field on a sort's own column: a test of it may seek the index the page walks. */
const SORT_FIELD: Partial<Record<DjQueryInput['sort'], Conjunct['field']>> = {
  bpm: 'bpm',
  key: 'key',
  addedAt: 'added',
};

/**
 * Runs DJ queries against the collection — the library's tracks and the
 * co-op tracks cached here — sorted and paged in SQL. The queries are SQL
 * text (the compiled query's conditions, INDEXED BY, the co-op rows' derived
 * table) run through `typedDb`, which prepares each distinct text once: the
 * text depends only on the query's shape, the user's values travel as
 * parameters.
 */
export class QueryService {
  private readonly db: DjDb;
  private coopTables: boolean | null = null;

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.db = djDb(db);
  }

  run(input: DjQueryInput): { total: number; offset: number; rows: DjTrack[] } {
    const { local, coop } = this.compile(input.query, input.status);
    const localTotal = this.count(local);
    const coopTotal = coop ? this.countCoop(coop) : 0;
    const order = orderBySql(input.sort, input.direction);
    const total = localTotal + coopTotal;
    if (coop && coopTotal > 0) {
      // Merge: the first offset+limit local rows in order (found as any page
      // is), and the co-op matches (few), sorted together; then the window.
      const localIds = this.localPage(
        local,
        localTotal,
        input.sort,
        order,
        0,
        input.offset + input.limit,
      ).map((r) => r.id);
      const rows = this.db.all(
        sqlQuery(
          this.db,
          sql<MergedRow>`SELECT * FROM (
           SELECT 'local' AS source, ${sql.raw(TRACK_COLUMNS)}, 1 AS owned, NULL AS local_file
             FROM json_each(${JSON.stringify(localIds)}) l JOIN library_tracks t ON t.id = l.value
           UNION ALL
           SELECT 'coop' AS source, ${sql.raw(COOP_COLUMNS)} FROM ${sql.raw(COOP_ROWS_SQL)} t WHERE ${fragment(coop.sql, coop.params)}
         ) t ${sql.raw(order)} LIMIT ${input.limit} OFFSET ${input.offset}`,
        ),
      );
      return {
        total,
        offset: input.offset,
        rows: rows.map((r) => (r.source === 'local' ? toDjTrack(r) : toCoopDjTrack(r))),
      };
    }
    const rows = this.localPage(local, localTotal, input.sort, order, input.offset, input.limit);
    return { total, offset: input.offset, rows: rows.map(toDjTrack) };
  }

  /**
   * Few matches: find them first (seeks in a narrow filter index), then sort
   * just those. Many: walk the sort's own index, where matches are dense
   * enough to fill the window soon. Walking steps through about
   * (offset + limit) × rows ÷ matches index entries, finding reads every
   * match: walk when that costs less (and the sort has an index). The walk
   * is forced: the DJ sort indexes are named (INDEXED BY), and the filter is
   * wrapped in `+(…)`, which SQLite cannot use to pick an index.
   */
  private localPage(
    local: Compiled['local'],
    matches: number,
    sort: DjQueryInput['sort'],
    order: string,
    offset: number,
    limit: number,
  ): TrackRow[] {
    const rowsInTable =
      this.db.get(this.db.q.selectFrom('library_tracks').select((eb) => eb.fn.countAll<number>().as('n')))
        ?.n ?? 0;
    // A step of a walk costs a fraction of reading a match: little in a DJ
    // index (filters are tested in the index), more in the library's (a row read).
    const stepCost = SORT_INDEX[sort] ? 0.05 : 0.3;
    const walk = INDEXED_SORTS.has(sort) && matches * matches > (offset + limit) * rowsInTable * stepCost;
    if (walk) {
      // A test of the sort's own column stays visible: it narrows the walk to a range of the same index.
      const seek = local.conjuncts.filter((c) => c.field !== null && c.field === SORT_FIELD[sort]);
      const hide = local.conjuncts.filter((c) => !seek.includes(c));
      const terms = [
        local.status,
        ...seek.map((c) => c.sql),
        ...(hide.length ? [`+(${hide.map((c) => c.sql).join(' AND ')})`] : []),
      ];
      const params = [
        ...local.statusParams,
        ...seek.flatMap((c) => c.params),
        ...hide.flatMap((c) => c.params),
      ];
      const indexed = SORT_INDEX[sort] ? ` INDEXED BY ${SORT_INDEX[sort]}` : '';
      return this.db.all(
        sqlQuery(
          this.db,
          sql<TrackRow>`SELECT ${sql.raw(TRACK_COLUMNS)} FROM library_tracks t${sql.raw(indexed)}
            WHERE ${fragment(terms.join(' AND '), params)} ${sql.raw(order)} LIMIT ${limit} OFFSET ${offset}`,
        ),
      );
    }
    return this.db.all(
      sqlQuery(
        this.db,
        sql<TrackRow>`WITH hits(id) AS MATERIALIZED (SELECT t.id FROM library_tracks t WHERE ${fragment(local.sql, local.params)})
       SELECT ${sql.raw(TRACK_COLUMNS)} FROM hits JOIN library_tracks t ON t.id = hits.id ${sql.raw(order)} LIMIT ${limit} OFFSET ${offset}`,
      ),
    );
  }

  /** How many tracks of the collection a (smart playlist's) query matches now; 0 for a query with an error. */
  countQuery(query: string): number {
    const parsed = parseQuery(query);
    if (!parsed.ok) return 0;
    const { local, coop } = this.compile(query, 'ok');
    return this.count(local) + (coop ? this.countCoop(coop) : 0);
  }

  /** Every matching track in order (for exporting a smart playlist). */
  refs(query: string, sort: DjQueryInput['sort'], direction: 'asc' | 'desc'): TrackRef[] {
    const page = this.run({
      query,
      sort,
      direction,
      offset: 0,
      limit: Number.MAX_SAFE_INTEGER,
      status: 'ok',
    });
    return page.rows.map((t): TrackRef =>
      t.source === 'local' ? { source: 'local', id: t.id } : { source: 'coop', id: t.id },
    );
  }

  private count(where: Where): number {
    const row = this.db.get(
      sqlQuery(
        this.db,
        sql<{
          n: number;
        }>`SELECT count(*) AS n FROM library_tracks t WHERE ${fragment(where.sql, where.params)}`,
      ),
    );
    return row?.n ?? 0;
  }

  private countCoop(where: Where): number {
    const row = this.db.get(
      sqlQuery(
        this.db,
        sql<{
          n: number;
        }>`SELECT count(*) AS n FROM ${sql.raw(COOP_ROWS_SQL)} t WHERE ${fragment(where.sql, where.params)}`,
      ),
    );
    return row?.n ?? 0;
  }

  private compile(query: string, status: DjQueryInput['status']): Compiled {
    const parsed = parseQuery(query);
    if (!parsed.ok) {
      const { message, position } = parsed.error;
      throw new CallError('invalid_input', `Query: ${message} (at character ${position + 1})`, [
        { path: 'query', message },
      ]);
    }
    const nowMs = this.clock.nowMs();
    const found = new Map<string, string[]>();
    const genreValues: CompileContext['genreValues'] = (condition, params) => {
      const key = JSON.stringify([condition, params]);
      let values = found.get(key);
      if (!values) {
        values = this.db
          .all(sqlQuery(this.db, fragment<{ v: string }>(`${DISTINCT_GENRES_SQL} ${condition}`, params)))
          .map((r) => r.v);
        found.set(key, values);
      }
      return values;
    };
    const compiled = compileQuery(parsed.query, { nowMs, genreValues });
    // 'all' is every status: the IN list keeps the status index columns usable.
    const statuses = status === 'all' ? "('ok', 'missing', 'unavailable')" : '(?)';
    const statusParams = status === 'all' ? [] : [status];
    const local = {
      sql: `t.status IN ${statuses} AND ${compiled.sql}`,
      params: [...statusParams, ...compiled.params],
      status: `t.status IN ${statuses}`,
      statusParams,
      conjuncts: compileConjuncts(parsed.query, { nowMs, genreValues }),
    };
    return {
      local,
      coop: status === 'ok' || status === 'all' ? this.compileCoop(parsed.query, nowMs) : null,
    };
  }

  /** The co-op side: owned tracks, or every cached one when the query names `owned:`. */
  private compileCoop(query: QueryNode, nowMs: number): Where | null {
    this.coopTables ??= hasCoopTables(this.db.raw);
    if (!this.coopTables) return null;
    const compiled = compileQuery(query, { nowMs, target: 'coop' });
    return mentionsOwned(query)
      ? compiled
      : { sql: `t.owned = 1 AND ${compiled.sql}`, params: compiled.params };
  }
}
