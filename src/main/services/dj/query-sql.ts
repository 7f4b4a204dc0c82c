import type {
  Comparison,
  FieldTest,
  NumberLiteral,
  QueryNode,
  TextField,
  TimeLiteral,
} from '../../../shared/query';
import { ALL_KEYS, compatibleKeys, keyId, type MusicalKey } from '../../../shared/musical-key';
import { KEY_CODE_SQL } from './track-rows';

/**
 * Compiles a parsed DJ query to an SQL condition on `library_tracks AS t`
 * (target `local`), or on the co-op collection's rows (target `coop`, a
 * derived table with the same column names; see `COOP_ROWS_SQL`).
 * User text only ever travels as bound parameters (`?`); the SQL text is
 * built from fixed fragments chosen by the AST's node types.
 *
 * NULL care: a track without a BPM is neither `bpm:>120` nor `bpm:<=120`,
 * but it *is* `NOT bpm:>120`, so negations coalesce unknown to false first.
 */
export interface CompiledQuery {
  sql: string;
  params: unknown[];
}

export interface CompileContext {
  /** Wall-clock now, for `added:<30d`. */
  nowMs: number;
  /**
   * `local` (default): library_tracks, with its FTS index and DJ indexes.
   * `coop`: the co-op rows, small, with no FTS index: words match as substrings
   * of title, artist or album, and `owned:` tests their owned flag.
   */
  target?: 'local' | 'coop';
  /**
   * Local target: finds the genres a condition on `v` picks (run
   * `DISTINCT_GENRES_SQL` + condition), so a genre test becomes a plain
   * `genre IN (?, …)` whose size the planner can weigh. Without it, the
   * lookup is a subquery in the SQL.
   */
  genreValues?: (condition: string, params: unknown[]) => string[];
}

const TEXT_COLUMNS: Record<TextField, string[]> = {
  artist: ['t.artist', 't.album_artist'],
  title: ['t.title'],
  album: ['t.album'],
  genre: ['t.genre'],
  format: ['t.codec', 't.container'],
};

const NUMBER_COLUMNS = { bpm: 't.bpm', year: 't.year', plays: 't.play_count' } as const;
const TIME_COLUMNS = { added: 't.added_at', played: 't.last_played_at' } as const;

/** What people type for a format, and what the codec names say. */
const FORMAT_ALIASES: Record<string, string> = {
  mp3: 'layer 3',
  ogg: 'vorbis',
  wav: 'pcm',
  aiff: 'pcm',
  m4a: 'aac',
};

/** Does the query say anything about ownership? (Then co-op tracks not owned are in scope too.) */
export function mentionsOwned(query: QueryNode): boolean {
  switch (query.type) {
    case 'and':
    case 'or':
      return query.children.some(mentionsOwned);
    case 'not':
      return mentionsOwned(query.child);
    case 'field':
      return query.test.kind === 'bool';
    default:
      return false;
  }
}

/** The position of a key on the wheel as `KEY_CODE_SQL` computes it (1A = 0, 1B = 1, …). */
function keyCode(key: MusicalKey): number {
  return ALL_KEYS.findIndex((k) => keyId(k) === keyId(key));
}

/**
 * The distinct genres by a loose scan of `dj_tracks_genre` (status, genre):
 * one seek per distinct value and status, not one step per row. `v` names
 * the value for the condition that follows.
 */
function distinctValues(column: 'genre'): string {
  return `WITH RECURSIVE d(s, v) AS (
      SELECT s.column1, (SELECT min(${column}) FROM library_tracks WHERE status = s.column1)
        FROM (VALUES ('ok'), ('missing'), ('unavailable')) s
      UNION ALL
      SELECT d.s, (SELECT min(${column}) FROM library_tracks WHERE status = d.s AND ${column} > d.v) FROM d WHERE d.v IS NOT NULL)
    SELECT DISTINCT v FROM d WHERE v IS NOT NULL AND`;
}

/** The distinct genres of the library, to be followed by a condition on `v`. */
export const DISTINCT_GENRES_SQL = distinctValues('genre');

/** `t.genre` is one of the genres `condition` picks (resolved now when the context can, else a subquery). */
function genreIn(
  condition: string,
  conditionParams: unknown[],
  params: unknown[],
  ctx: CompileContext,
): string {
  if (!ctx.genreValues) {
    params.push(...conditionParams);
    return `t.genre IN (${DISTINCT_GENRES_SQL} ${condition})`;
  }
  const values = ctx.genreValues(condition, conditionParams);
  if (values.length === 0) return '0';
  params.push(...values);
  return `t.genre IN (${values.map(() => '?').join(', ')})`;
}

type GenreTest = Extract<FieldTest, { kind: 'text' }>;

/** A genre test as a condition on one distinct genre value `v`. */
function genreValueTest(test: GenreTest, params: unknown[]): string {
  params.push(test.exact ? test.text : `%${escapeLike(test.text)}%`);
  return test.exact ? 'v = ? COLLATE NOCASE' : "v LIKE ? ESCAPE '\\'";
}

function isGenreTest(q: QueryNode): q is Extract<QueryNode, { type: 'field' }> & { test: GenreTest } {
  return q.type === 'field' && q.test.kind === 'text' && q.test.field === 'genre';
}

export function compileQuery(query: QueryNode, context: CompileContext): CompiledQuery {
  const params: unknown[] = [];
  const sql = node(query, params, context);
  return { sql, params };
}

/** One term of a top-level AND, and the field it tests when it is a single field test. */
export interface Conjunct extends CompiledQuery {
  field: FieldTest['field'] | null;
}

/**
 * The query as the terms of its top-level AND (bare words together as one),
 * each compiled on its own, in the same order as `compileQuery` — so a
 * caller can keep some where the planner sees them and hide others.
 */
export function compileConjuncts(query: QueryNode, context: CompileContext): Conjunct[] {
  const children = query.type === 'and' ? query.children : [query];
  const words = children.filter((c): c is Extract<QueryNode, { type: 'text' }> => c.type === 'text');
  const out: Conjunct[] = [];
  if (words.length) {
    const params: unknown[] = [];
    out.push({
      sql: context.target === 'coop' ? substringSearch(words, params) : textSearch(words, params),
      params,
      field: null,
    });
  }
  for (const child of children) {
    if (child.type === 'text') continue;
    const params: unknown[] = [];
    out.push({
      sql: node(child, params, context),
      params,
      field: child.type === 'field' ? child.test.field : null,
    });
  }
  return out;
}

function node(query: QueryNode, params: unknown[], ctx: CompileContext): string {
  switch (query.type) {
    case 'all':
      return '1';
    case 'and':
      return andNode(query.children, params, ctx);
    case 'or':
      return orNode(query.children, params, ctx);
    case 'not':
      return `(NOT coalesce(${node(query.child, params, ctx)}, 0))`;
    case 'text':
      return ctx.target === 'coop' ? substringSearch([query], params) : textSearch([query], params);
    case 'field':
      return field(query.test, params, ctx);
  }
}

/**
 * `genre:techno OR genre:minimal` becomes one `genre IN (…)` (one index
 * search, still covering), not a union of two.
 */
function orNode(children: readonly QueryNode[], params: unknown[], ctx: CompileContext): string {
  const genres = (ctx.target ?? 'local') === 'local' ? children.filter(isGenreTest) : [];
  if (genres.length < 2) return `(${children.map((c) => node(c, params, ctx)).join(' OR ')})`;
  const conditionParams: unknown[] = [];
  const condition = `(${genres.map((g) => genreValueTest(g.test, conditionParams)).join(' OR ')})`;
  const parts = [genreIn(condition, conditionParams, params, ctx)];
  for (const child of children) if (!isGenreTest(child)) parts.push(node(child, params, ctx));
  return `(${parts.join(' OR ')})`;
}

/** Bare words joined by AND become one full-text MATCH (one index lookup, not one per word). */
function andNode(children: readonly QueryNode[], params: unknown[], ctx: CompileContext): string {
  const words = children.filter((c): c is Extract<QueryNode, { type: 'text' }> => c.type === 'text');
  // Parameters are pushed in the order their `?` appear in the SQL: the text search comes first.
  const parts = words.length
    ? [ctx.target === 'coop' ? substringSearch(words, params) : textSearch(words, params)]
    : [];
  for (const child of children) if (child.type !== 'text') parts.push(node(child, params, ctx));
  return `(${parts.join(' AND ')})`;
}

const TOKEN = /[\p{L}\p{N}]+/gu;

/**
 * Full-text search through the library's FTS5 index: each word a prefix,
 * each quoted text a phrase whose last word is a prefix. Words are quoted
 * for FTS5, so its syntax characters in user text are plain text. Text with
 * nothing indexable (e.g. "!!!") falls back to a substring test.
 */
function textSearch(terms: readonly Extract<QueryNode, { type: 'text' }>[], params: unknown[]): string {
  const fts: string[] = [];
  const substrings: string[] = [];
  for (const term of terms) {
    const tokens = term.text.normalize('NFC').match(TOKEN) ?? [];
    if (tokens.length === 0) substrings.push(term.text);
    else if (term.phrase) fts.push(`"${tokens.join(' ')}"*`);
    else fts.push(...tokens.map((t) => `"${t}"*`));
  }
  const conditions: string[] = [];
  if (fts.length) {
    conditions.push('t.id IN (SELECT rowid FROM library_tracks_fts WHERE library_tracks_fts MATCH ?)');
    params.push(fts.join(' '));
  }
  for (const text of substrings) {
    conditions.push(
      `(${['t.title', 't.artist', 't.album'].map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`,
    );
    const pattern = `%${escapeLike(text)}%`;
    params.push(pattern, pattern, pattern);
  }
  return conditions.length === 1 ? conditions[0]! : `(${conditions.join(' AND ')})`;
}

/** Words (and phrases) for the co-op rows: each a substring of title, artist or album. */
function substringSearch(terms: readonly Extract<QueryNode, { type: 'text' }>[], params: unknown[]): string {
  const conditions = terms.map((term) => {
    const pattern = `%${escapeLike(term.text)}%`;
    params.push(pattern, pattern, pattern);
    return `(${['t.title', 't.artist', 't.album'].map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`;
  });
  return conditions.length === 1 ? conditions[0]! : `(${conditions.join(' AND ')})`;
}

/** Text fields the library's FTS index holds (its `artist` column has artist and album artist). */
const FTS_FIELDS = new Set<TextField>(['artist', 'title', 'album']);

/**
 * `artist:"Mattias W"` through the FTS index: the words in order, each
 * matching from a word start, the last as a prefix (so "Mattias W" finds
 * "Mattias Wendel"). Null when the text has no indexable words.
 */
function ftsColumnSearch(field: TextField, text: string, params: unknown[]): string | null {
  const tokens = text.normalize('NFC').match(TOKEN);
  if (!tokens) return null;
  params.push(`{${field}} : "${tokens.join(' ')}"*`);
  return 't.id IN (SELECT rowid FROM library_tracks_fts WHERE library_tracks_fts MATCH ?)';
}

function field(test: FieldTest, params: unknown[], ctx: CompileContext): string {
  switch (test.kind) {
    case 'text': {
      const local = (ctx.target ?? 'local') === 'local';
      if (local && test.field === 'genre') {
        const conditionParams: unknown[] = [];
        const condition = genreValueTest(test, conditionParams);
        return genreIn(condition, conditionParams, params, ctx);
      }
      if (local && !test.exact && FTS_FIELDS.has(test.field)) {
        const search = ftsColumnSearch(test.field, test.text, params);
        if (search) return search;
      }
      let text = test.text;
      if (test.field === 'format') text = FORMAT_ALIASES[text.toLowerCase()] ?? text;
      const columns = TEXT_COLUMNS[test.field];
      const one = test.exact
        ? (c: string) => `${c} = ? COLLATE NOCASE`
        : (c: string) => `${c} LIKE ? ESCAPE '\\'`;
      for (const _ of columns) params.push(test.exact ? text : `%${escapeLike(text)}%`);
      return columns.length === 1 ? one(columns[0]!) : `(${columns.map(one).join(' OR ')})`;
    }
    case 'number':
      return numberComparison(NUMBER_COLUMNS[test.field], test.cmp, params, test.field !== 'bpm');
    case 'time':
      return timeComparison(TIME_COLUMNS[test.field], test.cmp, params, ctx);
    case 'key': {
      // The key's wheel position, as indexed (dj_tracks_key): 1–4 index seeks
      // whatever spellings the tags use. Codes are our own integers.
      const codes = [...new Set((test.compatible ? compatibleKeys(test.key) : [test.key]).map(keyCode))];
      return `${KEY_CODE_SQL} IN (${codes.join(', ')})`;
    }
    case 'bool':
      // Every local file is the user's own; co-op rows carry their owned flag.
      if (ctx.target === 'coop') return test.value ? 't.owned = 1' : 't.owned = 0';
      return test.value ? '1' : '0';
  }
}

/**
 * A number means the value as displayed at the precision typed: `bpm:128`
 * is any BPM that shows as 128 (127.5 ≤ bpm < 128.5), `bpm:>128` starts at
 * 128.5, `bpm:127.9` is 127.85 ≤ bpm < 127.95. Exact for whole-number columns.
 */
function numberComparison(
  column: string,
  cmp: Comparison<NumberLiteral>,
  params: unknown[],
  integer: boolean,
): string {
  if (integer && cmp.op === '=' && cmp.value.decimals === 0) {
    // A whole number on a whole-number column is an equality (an index can seek it and go on to the next column).
    params.push(cmp.value.value);
    return `${column} = ?`;
  }
  const half = (n: NumberLiteral) => 0.5 * 10 ** -n.decimals;
  const lo = (n: NumberLiteral) => n.value - half(n);
  const hi = (n: NumberLiteral) => n.value + half(n);
  switch (cmp.op) {
    case 'range': {
      const [a, b] = cmp.from.value <= cmp.to.value ? [cmp.from, cmp.to] : [cmp.to, cmp.from];
      params.push(lo(a), hi(b));
      return `(${column} >= ? AND ${column} < ?)`;
    }
    case '=':
      params.push(lo(cmp.value), hi(cmp.value));
      return `(${column} >= ? AND ${column} < ?)`;
    case '>':
      params.push(hi(cmp.value));
      return `${column} >= ?`;
    case '>=':
      params.push(lo(cmp.value));
      return `${column} >= ?`;
    case '<':
      params.push(lo(cmp.value));
      return `${column} < ?`;
    case '<=':
      params.push(hi(cmp.value));
      return `${column} < ?`;
  }
}

/**
 * Times read as people say them: `added:<30d` is "less than 30 days ago"
 * (recent), `added:>1y` "more than a year ago"; a bare duration means
 * "within". A day (`2024-05-01`, local time) covers that whole day.
 */
function timeComparison(
  column: string,
  cmp: Comparison<TimeLiteral>,
  params: unknown[],
  ctx: CompileContext,
): string {
  const interval = (t: TimeLiteral): [number, number] => {
    if (t.kind === 'ago') {
      const at = ctx.nowMs - t.ms;
      return [at, at + 1];
    }
    const start = new Date(t.year, t.month - 1, t.day).getTime();
    return [start, new Date(t.year, t.month - 1, t.day + 1).getTime()];
  };
  const between = (from: number, to: number) => {
    params.push(from, to);
    return `(${column} >= ? AND ${column} < ?)`;
  };
  if (cmp.op === 'range') {
    const [a0, a1] = interval(cmp.from);
    const [b0, b1] = interval(cmp.to);
    return between(Math.min(a0, b0), Math.max(a1, b1));
  }
  const value = cmp.value;
  const [start, end] = interval(value);
  if (value.kind === 'ago') {
    // Durations count backwards from now: "<30d" is after the moment 30 days ago.
    const op = cmp.op === '=' ? '<=' : cmp.op;
    if (op === '<' || op === '<=') {
      params.push(start);
      return `${column} ${op === '<' ? '>' : '>='} ?`;
    }
    params.push(start);
    return `${column} ${op === '>' ? '<' : '<='} ?`;
  }
  switch (cmp.op) {
    case '=':
      return between(start, end);
    case '>':
      params.push(end);
      return `${column} >= ?`;
    case '>=':
      params.push(start);
      return `${column} >= ?`;
    case '<':
      params.push(start);
      return `${column} < ?`;
    case '<=':
      params.push(end);
      return `${column} < ?`;
  }
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
