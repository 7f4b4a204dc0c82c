import type { ParseResult, QueryNode, QuerySyntaxError, Span } from './ast';
import { readFieldValue } from './fields';
import { tokenize, TokenError, type Token } from './tokens';

/**
 * Parses a DJ query. Grammar (operators in capitals; juxtaposition is AND;
 * AND binds tighter than OR):
 *
 *   query   := or?
 *   or      := and ( "OR" and )*
 *   and     := unary ( "AND"? unary )*
 *   unary   := ("NOT" | "-") unary | "(" or ")" | term
 *   term    := word | "quoted text" | field ":" value
 *
 * Never throws: every problem is a value with the position and length of
 * the offending text, so the search box can underline it as the user types.
 */
export const MAX_QUERY_LENGTH = 4000;
const MAX_DEPTH = 50;

export function parseQuery(text: string): ParseResult {
  try {
    return parseOrFail(text);
  } catch (error) {
    if (error instanceof SyntaxProblem) return { ok: false, error: error.error };
    // A bug must not break typing in the search box; report it as a whole-query error.
    return {
      ok: false,
      error: { message: `Could not read the query (${String(error)})`, position: 0, length: text.length },
    };
  }
}

class SyntaxProblem {
  constructor(readonly error: QuerySyntaxError) {}
}

function problem(message: string, span: Span): SyntaxProblem {
  return new SyntaxProblem({ message, position: span.position, length: Math.max(1, span.length) });
}

function parseOrFail(text: string): ParseResult {
  if (text.length > MAX_QUERY_LENGTH) {
    throw problem(`The query is too long (over ${MAX_QUERY_LENGTH} characters)`, {
      position: MAX_QUERY_LENGTH,
      length: text.length - MAX_QUERY_LENGTH,
    });
  }
  const tokens = tokenize(text);
  if (tokens instanceof TokenError) throw problem(tokens.message, tokens.span);
  if (tokens.length === 0) return { ok: true, query: { type: 'all' } };
  const parser = new Parser(tokens, text.length);
  const query = parser.or(0);
  const rest = parser.peek();
  if (rest) throw problem(rest.kind === ')' ? 'Unmatched ")"' : `Unexpected ${describe(rest)}`, rest.span);
  return { ok: true, query };
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly textLength: number,
  ) {}

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  or(depth: number): QueryNode {
    const children = [this.and(depth)];
    while (this.peek()?.kind === 'OR') {
      const op = this.tokens[this.i++]!;
      this.expectOperand(op);
      children.push(this.and(depth));
    }
    return children.length === 1 ? children[0]! : { type: 'or', children };
  }

  and(depth: number): QueryNode {
    const children = [this.unary(depth)];
    for (;;) {
      const next = this.peek();
      if (!next) break;
      if (next.kind === 'AND') {
        this.i++;
        this.expectOperand(next);
      } else if (next.kind === ')' || next.kind === 'OR') {
        break;
      }
      children.push(this.unary(depth));
    }
    return children.length === 1 ? children[0]! : { type: 'and', children };
  }

  unary(depth: number): QueryNode {
    if (depth > MAX_DEPTH)
      throw problem('The query is nested too deeply', this.peek()?.span ?? this.endSpan());
    const token = this.peek();
    if (!token) throw problem('Expected a search term', this.endSpan());
    switch (token.kind) {
      case 'NOT':
      case '-':
        this.i++;
        this.expectOperand(token);
        return { type: 'not', child: this.unary(depth + 1) };
      case '(': {
        this.i++;
        if (this.peek()?.kind === ')')
          throw problem('Empty parentheses', { position: token.span.position, length: 2 });
        if (!this.peek()) throw problem('Missing ")"', token.span);
        const inner = this.or(depth + 1);
        if (this.peek()?.kind !== ')') throw problem('Missing ")" for this "("', token.span);
        this.i++;
        return inner;
      }
      case 'term':
        this.i++;
        return termNode(token);
      default:
        throw problem(`Expected a search term, found ${describe(token)}`, token.span);
    }
  }

  /** After an operator there must be something it applies to. */
  private expectOperand(op: Token): void {
    const next = this.peek();
    if (!next || next.kind === ')' || next.kind === 'AND' || next.kind === 'OR') {
      throw problem(`Expected a search term after ${describe(op)}`, next ? next.span : op.span);
    }
  }

  private endSpan(): Span {
    return { position: Math.max(0, this.textLength - 1), length: 1 };
  }
}

function termNode(token: Extract<Token, { kind: 'term' }>): QueryNode {
  if (token.field === null) {
    if (!token.value.trim()) throw problem('Empty quotes', token.span);
    return { type: 'text', text: token.value, phrase: token.quoted, span: token.span };
  }
  const read = readFieldValue(token.field, token.value, token.quoted);
  if (!read.ok) {
    const unknownField = read.message.startsWith('Unknown field');
    throw problem(read.message, unknownField && token.fieldSpan ? token.fieldSpan : token.valueSpan);
  }
  return { type: 'field', test: read.test, span: token.span };
}

function describe(token: Token): string {
  return token.kind === 'term' ? `"${token.value}"` : `"${token.kind}"`;
}
