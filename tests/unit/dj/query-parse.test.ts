import { describe, expect, it } from 'vitest';
import { parseQuery, type QueryNode } from '../../../src/shared/query';

function ok(text: string): QueryNode {
  const result = parseQuery(text);
  if (!result.ok) throw new Error(`${text}: ${result.error.message} at ${result.error.position}`);
  return result.query;
}
function error(text: string) {
  const result = parseQuery(text);
  if (result.ok) throw new Error(`${text} parsed`);
  return result.error;
}

describe('query parser', () => {
  it('reads the example from the issue', () => {
    const q = ok('bpm:120-128 key:8A genre:house owned:yes plays:>3 added:<30d artist:"Mattias W"');
    expect(q.type).toBe('and');
    const tests = (q as Extract<QueryNode, { type: 'and' }>).children.map((c) =>
      c.type === 'field' ? c.test : null,
    );
    expect(tests).toEqual([
      {
        kind: 'number',
        field: 'bpm',
        cmp: { op: 'range', from: { value: 120, decimals: 0 }, to: { value: 128, decimals: 0 } },
      },
      { kind: 'key', field: 'key', key: { number: 8, mode: 'A' }, compatible: false },
      { kind: 'text', field: 'genre', exact: false, text: 'house' },
      { kind: 'bool', field: 'owned', value: true },
      { kind: 'number', field: 'plays', cmp: { op: '>', value: { value: 3, decimals: 0 } } },
      {
        kind: 'time',
        field: 'added',
        cmp: { op: '<', value: { kind: 'ago', ms: 30 * 86_400_000, text: '30d' } },
      },
      { kind: 'text', field: 'artist', exact: false, text: 'Mattias W' },
    ]);
  });

  it('gives AND precedence over OR, and reads NOT, - and parentheses', () => {
    const q = ok('a b OR c');
    expect(q).toMatchObject({ type: 'or', children: [{ type: 'and' }, { type: 'text', text: 'c' }] });
    expect(ok('NOT genre:techno')).toMatchObject({ type: 'not', child: { type: 'field' } });
    expect(ok('-genre:techno')).toMatchObject({ type: 'not', child: { type: 'field' } });
    expect(ok('(key:Am OR key:C) AND bpm:>=124.5')).toMatchObject({
      type: 'and',
      children: [
        { type: 'or' },
        { type: 'field', test: { cmp: { op: '>=', value: { value: 124.5, decimals: 1 } } } },
      ],
    });
    expect(ok('drum and bass')).toMatchObject({
      type: 'and',
      children: [{ text: 'drum' }, { text: 'and' }, { text: 'bass' }],
    });
    expect(ok('"deep house"')).toMatchObject({ type: 'text', text: 'deep house', phrase: true });
    expect(ok('   ')).toEqual({ type: 'all' });
  });

  it('reads keys in any notation, compatible keys, times and dates', () => {
    expect(ok('key:F#m')).toMatchObject({ test: { key: { number: 11, mode: 'A' } } });
    expect(ok('key:Bbmaj')).toMatchObject({ test: { key: { number: 6, mode: 'B' } } });
    expect(ok('key:~8A')).toMatchObject({ test: { compatible: true } });
    for (const d of ['30d', '2w', '6m', '1y']) expect(ok(`added:<${d}`).type).toBe('field');
    expect(ok('added:2024-01-01-2024-02-01')).toMatchObject({ test: { cmp: { op: 'range' } } });
    expect(ok('added:>2024-02-29')).toMatchObject({
      test: { cmp: { value: { kind: 'day', month: 2, day: 29 } } },
    });
    expect(ok('played:7d..30d')).toMatchObject({ test: { cmp: { op: 'range' } } });
  });

  it.each([
    ['bpm:', 0, 'Expected a value'],
    ['bpm:fast', 4, 'not a number'],
    ['key:H', 4, 'not a key'],
    ['foo:bar', 0, 'Unknown field'],
    ['(a b', 0, 'Missing ")"'],
    ['a b)', 3, 'Unmatched'],
    ['a OR', 2, 'after "OR"'],
    ['AND a', 0, 'Expected a search term'],
    ['artist:"Mattias', 7, 'closing quote'],
    ['added:<30x', 6, 'not a time'],
    ['added:2023-02-29', 6, 'not a date'],
    ['bpm:>120-128', 4, 'range'],
    ['()', 0, 'Empty parentheses'],
    ['owned:maybe', 6, 'yes or no'],
  ])('%j fails at %i (%s)', (text, position, message) => {
    const e = error(text);
    expect(e.position).toBe(position);
    expect(e.message).toContain(message);
    expect(e.length).toBeGreaterThan(0);
  });

  it('refuses deep nesting and huge input as errors, not crashes', () => {
    expect(error('('.repeat(5000) + 'a' + ')'.repeat(5000)).message).toMatch(/too/);
    expect(error('a '.repeat(3000)).message).toMatch(/too long/);
  });
});
