import { parseKey } from '../musical-key';
import type { CompareOp, Comparison, FieldTest, NumberLiteral, TimeLiteral } from './ast';

/**
 * The fields a query may name and how each reads its value. A value that
 * does not fit its field is an error message here (the parser adds where).
 */
type FieldKind = FieldTest['kind'];

interface FieldInfo {
  readonly kind: FieldKind;
  /** The canonical name the test carries. */
  readonly name: FieldTest['field'];
}

const FIELDS: Record<string, FieldInfo> = {
  artist: { kind: 'text', name: 'artist' },
  title: { kind: 'text', name: 'title' },
  album: { kind: 'text', name: 'album' },
  genre: { kind: 'text', name: 'genre' },
  format: { kind: 'text', name: 'format' },
  bpm: { kind: 'number', name: 'bpm' },
  tempo: { kind: 'number', name: 'bpm' },
  year: { kind: 'number', name: 'year' },
  plays: { kind: 'number', name: 'plays' },
  added: { kind: 'time', name: 'added' },
  played: { kind: 'time', name: 'played' },
  key: { kind: 'key', name: 'key' },
  owned: { kind: 'bool', name: 'owned' },
};

/** Field names for help texts and autocompletion. */
export const QUERY_FIELDS = Object.keys(FIELDS);

export type ValueResult = { ok: true; test: FieldTest } | { ok: false; message: string };

const fail = (message: string): ValueResult => ({ ok: false, message });

export function isKnownField(name: string): boolean {
  return Object.hasOwn(FIELDS, name.toLowerCase());
}

/** Reads the value of `field:value`; `quoted` values are always plain text. */
export function readFieldValue(fieldName: string, raw: string, quoted: boolean): ValueResult {
  const info = FIELDS[fieldName.toLowerCase()];
  if (!info)
    return fail(
      `Unknown field "${fieldName}" (known: ${QUERY_FIELDS.join(', ')}); put text with a colon in quotes`,
    );
  if (info.kind === 'text') return readText(info.name as 'artist', raw, quoted);
  if (quoted) return fail(`"${fieldName}" takes a value without quotes`);
  switch (info.kind) {
    case 'number': {
      const cmp = readComparison(raw, readNumber, splitRange);
      return cmp.ok
        ? { ok: true, test: { kind: 'number', field: info.name as 'bpm', cmp: cmp.value } }
        : fail(cmp.message);
    }
    case 'time': {
      const cmp = readComparison(raw, readTime, splitTimeRange);
      return cmp.ok
        ? { ok: true, test: { kind: 'time', field: info.name as 'added', cmp: cmp.value } }
        : fail(cmp.message);
    }
    case 'key': {
      const compatible = raw.startsWith('~');
      const key = parseKey(compatible ? raw.slice(1) : raw);
      if (!key) return fail(`"${raw}" is not a key (try 8A, Am, F#m, Bbmaj, 1m; ~8A for compatible keys)`);
      return { ok: true, test: { kind: 'key', field: 'key', key, compatible } };
    }
    case 'bool': {
      const v = raw.toLowerCase();
      if (['yes', 'y', 'true', '1'].includes(v))
        return { ok: true, test: { kind: 'bool', field: 'owned', value: true } };
      if (['no', 'n', 'false', '0'].includes(v))
        return { ok: true, test: { kind: 'bool', field: 'owned', value: false } };
      return fail(`"${fieldName}" takes yes or no`);
    }
  }
  return fail(`Unsupported field "${fieldName}"`);
}

function readText(field: 'artist', raw: string, quoted: boolean): ValueResult {
  // `genre:=house` asks for exactly "house"; `genre:house` for any genre containing it.
  const exact = !quoted && raw.startsWith('=');
  const text = exact ? raw.slice(1) : raw;
  if (!text.trim()) return fail('Expected some text');
  return { ok: true, test: { kind: 'text', field, exact, text } };
}

type Read<T> = { ok: true; value: T } | { ok: false; message: string };

const OPS: CompareOp[] = ['>=', '<=', '>', '<', '='];

function readComparison<T>(
  raw: string,
  readOne: (text: string) => Read<T>,
  split: (text: string) => [string, string] | null,
): Read<Comparison<T>> {
  const op = OPS.find((o) => raw.startsWith(o));
  const rest = op ? raw.slice(op.length) : raw;
  if (!rest) return { ok: false, message: `Expected a value after "${op}"` };
  const range = split(rest);
  if (range) {
    if (op) return { ok: false, message: 'A range (a-b) takes no comparison sign' };
    const from = readOne(range[0]);
    if (!from.ok) return from;
    const to = readOne(range[1]);
    if (!to.ok) return to;
    return { ok: true, value: { op: 'range', from: from.value, to: to.value } };
  }
  const value = readOne(rest);
  return value.ok ? { ok: true, value: { op: op ?? '=', value: value.value } } : value;
}

const NUMBER = /^\d{1,9}(?:\.(\d{1,6}))?$/;

function readNumber(text: string): Read<NumberLiteral> {
  const m = NUMBER.exec(text);
  if (!m) return { ok: false, message: `"${text}" is not a number` };
  return { ok: true, value: { value: Number(text), decimals: m[1]?.length ?? 0 } };
}

/** `120-128` or `120..128`. */
function splitRange(text: string): [string, string] | null {
  const dots = text.indexOf('..');
  if (dots >= 0) return [text.slice(0, dots), text.slice(dots + 2)];
  const dash = text.indexOf('-', 1);
  return dash > 0 ? [text.slice(0, dash), text.slice(dash + 1)] : null;
}

const DURATION = /^(\d{1,5})([hdwmy])$/;
const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  m: 30 * 86_400_000, // a month, for "added in the last 6m", is 30 days
  y: 365 * 86_400_000,
};
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function readTime(text: string): Read<TimeLiteral> {
  const d = DURATION.exec(text);
  if (d) return { ok: true, value: { kind: 'ago', ms: Number(d[1]) * UNIT_MS[d[2]!]!, text } };
  const day = DAY.exec(text);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (month < 1 || month > 12 || date < 1 || date > daysInMonth)
      return { ok: false, message: `"${text}" is not a date` };
    return { ok: true, value: { kind: 'day', year, month, day: date } };
  }
  return { ok: false, message: `"${text}" is not a time (try 30d, 2w, 6m, 1y or 2024-05-01)` };
}

/** `7d-30d`, `2024-01-01-2024-02-01`, or either with `..`. */
function splitTimeRange(text: string): [string, string] | null {
  const dots = text.indexOf('..');
  if (dots >= 0) return [text.slice(0, dots), text.slice(dots + 2)];
  const days = /^(\d{4}-\d{2}-\d{2})-(\d{4}-\d{2}-\d{2})$/.exec(text);
  if (days) return [days[1]!, days[2]!];
  if (DAY.test(text)) return null;
  const dash = text.indexOf('-', 1);
  return dash > 0 ? [text.slice(0, dash), text.slice(dash + 1)] : null;
}
