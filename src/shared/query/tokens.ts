import type { Span } from './ast';

/**
 * Splits a query into tokens. A term is a bare word, a quoted string, or
 * `field:value` (the value may be quoted: `artist:"Mattias W"`). `AND`,
 * `OR`, `NOT` are operators only in capitals, so "drum and bass" stays text.
 * A `-` directly before a term negates it.
 */
export type Token =
  | { readonly kind: '(' | ')' | 'AND' | 'OR' | 'NOT' | '-'; readonly span: Span }
  | {
      readonly kind: 'term';
      readonly span: Span;
      /** The field name as typed (before `:`), or null for a bare term. */
      readonly field: string | null;
      readonly fieldSpan: Span | null;
      readonly value: string;
      readonly valueSpan: Span;
      readonly quoted: boolean;
    };

export class TokenError {
  constructor(
    readonly message: string,
    readonly span: Span,
  ) {}
}

const WORD_END = /[\s()"]/u;
const FIELD_NAME = /^[A-Za-z]+$/;

export function tokenize(text: string): Token[] | TokenError {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ kind: c, span: { position: i, length: 1 } });
      i++;
      continue;
    }
    if (c === '-' && i + 1 < text.length && !/[\s)]/u.test(text[i + 1]!)) {
      tokens.push({ kind: '-', span: { position: i, length: 1 } });
      i++;
      continue;
    }
    if (c === '"') {
      const quoted = readQuoted(text, i);
      if (quoted instanceof TokenError) return quoted;
      const span = { position: i, length: quoted.end - i };
      tokens.push({
        kind: 'term',
        span,
        field: null,
        fieldSpan: null,
        value: quoted.value,
        valueSpan: span,
        quoted: true,
      });
      i = quoted.end;
      continue;
    }
    const word = readWord(text, i);
    if (word instanceof TokenError) return word;
    tokens.push(word.token);
    i = word.end;
  }
  return tokens;
}

/** A bare word from `start`: an operator, a plain term, or `field:value` (the value may be quoted). */
function readWord(text: string, start: number): { token: Token; end: number } | TokenError {
  let i = start;
  while (i < text.length && !WORD_END.test(text[i]!)) i++;
  const word = text.slice(start, i);
  if (word === 'AND' || word === 'OR' || word === 'NOT') {
    return { token: { kind: word, span: { position: start, length: word.length } }, end: i };
  }
  const colon = word.indexOf(':');
  const name = colon > 0 ? word.slice(0, colon) : '';
  if (!FIELD_NAME.test(name)) {
    const span = { position: start, length: word.length };
    const token: Token = {
      kind: 'term',
      span,
      field: null,
      fieldSpan: null,
      value: word,
      valueSpan: span,
      quoted: false,
    };
    return { token, end: i };
  }
  const fieldSpan = { position: start, length: colon };
  let value = word.slice(colon + 1);
  let valueSpan = { position: start + colon + 1, length: value.length };
  let quoted = false;
  if (value === '' && text[i] === '"') {
    const q = readQuoted(text, i);
    if (q instanceof TokenError) return q;
    value = q.value;
    valueSpan = { position: i, length: q.end - i };
    quoted = true;
    i = q.end;
  } else if (value === '') {
    return new TokenError(`Expected a value after "${name}:"`, { position: start, length: colon + 1 });
  }
  const span = { position: start, length: i - start };
  return { token: { kind: 'term', span, field: name, fieldSpan, value, valueSpan, quoted }, end: i };
}

/** Reads `"…"` starting at the opening quote; `\"` and `\\` are escapes. */
function readQuoted(text: string, open: number): { value: string; end: number } | TokenError {
  let value = '';
  let i = open + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '"') return { value, end: i + 1 };
    value += c;
    i++;
  }
  return new TokenError('Missing closing quote', { position: open, length: text.length - open });
}
