import type { MusicalKey } from '../musical-key';

/**
 * The parsed form of a DJ query such as
 * `bpm:120-128 key:8A genre:house owned:yes plays:>3 added:<30d artist:"Mattias W"`.
 * Values are already typed and checked, so a compiler (SQL in the main
 * process) never meets an invalid value.
 */

/** Where a piece of the query is in the text, for error markers and highlighting. */
export interface Span {
  /** 0-based index of the first character. */
  readonly position: number;
  readonly length: number;
}

export type CompareOp = '=' | '>' | '>=' | '<' | '<=';

/** A single value with a comparison, or an inclusive range `a-b`. */
export type Comparison<T> =
  { readonly op: CompareOp; readonly value: T } | { readonly op: 'range'; readonly from: T; readonly to: T };

/** A number as typed: `decimals` says how precisely it was written (128 vs 127.95). */
export interface NumberLiteral {
  readonly value: number;
  readonly decimals: number;
}

/** A moment: a duration before now (`30d`), or a calendar day (`2024-05-01`, local time). */
export type TimeLiteral =
  | { readonly kind: 'ago'; readonly ms: number; readonly text: string }
  | { readonly kind: 'day'; readonly year: number; readonly month: number; readonly day: number };

export type TextField = 'artist' | 'title' | 'album' | 'genre' | 'format';
export type NumberField = 'bpm' | 'year' | 'plays';
export type TimeField = 'added' | 'played';

export type FieldTest =
  | { readonly kind: 'text'; readonly field: TextField; readonly exact: boolean; readonly text: string }
  | { readonly kind: 'number'; readonly field: NumberField; readonly cmp: Comparison<NumberLiteral> }
  | { readonly kind: 'time'; readonly field: TimeField; readonly cmp: Comparison<TimeLiteral> }
  | { readonly kind: 'key'; readonly field: 'key'; readonly key: MusicalKey; readonly compatible: boolean }
  | { readonly kind: 'bool'; readonly field: 'owned'; readonly value: boolean };

export type QueryNode =
  /** The empty query: every track. */
  | { readonly type: 'all' }
  | { readonly type: 'and'; readonly children: readonly QueryNode[] }
  | { readonly type: 'or'; readonly children: readonly QueryNode[] }
  | { readonly type: 'not'; readonly child: QueryNode }
  /** Bare words: full-text search (`phrase` when quoted). */
  | { readonly type: 'text'; readonly text: string; readonly phrase: boolean; readonly span: Span }
  | { readonly type: 'field'; readonly test: FieldTest; readonly span: Span };

export interface QuerySyntaxError {
  readonly message: string;
  readonly position: number;
  readonly length: number;
}

export type ParseResult =
  { readonly ok: true; readonly query: QueryNode } | { readonly ok: false; readonly error: QuerySyntaxError };
