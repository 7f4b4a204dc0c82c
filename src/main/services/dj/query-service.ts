import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import { CallError } from '../../../shared/contract/define';
import type { DjQueryInput, DjTrack } from '../../../shared/contract/dj';
import { parseQuery } from '../../../shared/query';
import { compileQuery } from './query-sql';
import { SORT_SQL, TIE_BREAK, TRACK_COLUMNS, toDjTrack, type TrackRow } from './track-rows';

/** Up to this many matches, a page is sorted from the matches alone. */
const FEW_MATCHES = 3_000;

/**
 * Runs DJ queries against the library, sorted and paged in SQL. Statements
 * are cached by their SQL text: the text depends only on the query's shape,
 * the user's values travel as parameters.
 */
export class QueryService {
  private readonly statements = new Map<string, Statement<unknown[]>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  run(input: DjQueryInput): { total: number; offset: number; rows: DjTrack[] } {
    const { sql, params } = this.where(input.query, input.status);
    const total = (this.prepare(`SELECT count(*) AS n FROM library_tracks t WHERE ${sql}`).get(...params) as { n: number }).n;
    const direction = input.direction === 'desc' ? 'DESC' : 'ASC';
    const order = `ORDER BY ${SORT_SQL[input.sort]} ${direction}, ${TIE_BREAK} LIMIT ? OFFSET ?`;
    // Few matches: find them first (a scan of the narrow filter index), then
    // sort just those. Many matches: let SQLite walk the sort's own index,
    // where matches are dense enough to fill a page quickly.
    const rows = (
      total <= FEW_MATCHES
        ? this.prepare(
            `WITH hits(id) AS MATERIALIZED (SELECT t.id FROM library_tracks t WHERE ${sql})
             SELECT ${TRACK_COLUMNS} FROM hits JOIN library_tracks t ON t.id = hits.id ${order}`,
          )
        : this.prepare(`SELECT ${TRACK_COLUMNS} FROM library_tracks t WHERE ${sql} ${order}`)
    ).all(...params, input.limit, input.offset) as TrackRow[];
    return { total, offset: input.offset, rows: rows.map(toDjTrack) };
  }

  count(query: string): number {
    const parsed = parseQuery(query);
    if (!parsed.ok) return 0;
    const { sql, params } = this.where(query, 'ok');
    return (this.prepare(`SELECT count(*) AS n FROM library_tracks t WHERE ${sql}`).get(...params) as { n: number }).n;
  }

  /** Every matching track id in order (for exporting a smart playlist). */
  ids(query: string, sort: DjQueryInput['sort'], direction: 'asc' | 'desc'): number[] {
    const { sql, params } = this.where(query, 'ok');
    return (
      this.prepare(
        `SELECT t.id FROM library_tracks t WHERE ${sql} ORDER BY ${SORT_SQL[sort]} ${direction === 'desc' ? 'DESC' : 'ASC'}, ${TIE_BREAK}`,
      ).all(...params) as { id: number }[]
    ).map((r) => r.id);
  }

  private where(query: string, status: DjQueryInput['status']): { sql: string; params: unknown[] } {
    const parsed = parseQuery(query);
    if (!parsed.ok) {
      const { message, position } = parsed.error;
      throw new CallError('invalid_input', `Query: ${message} (at character ${position + 1})`, [{ path: 'query', message }]);
    }
    const compiled = compileQuery(parsed.query, { nowMs: this.clock.nowMs() });
    if (status === 'all') return compiled;
    return { sql: `t.status = ? AND ${compiled.sql}`, params: [status, ...compiled.params] };
  }

  private prepare(sql: string): Statement<unknown[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size > 500) this.statements.clear();
      statement = this.db.prepare<unknown[]>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
