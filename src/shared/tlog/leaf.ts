import canonicalize from 'canonicalize';
import { leafHash, utf8Bytes, type Hash } from './hash';

/** A leaf of the transparency log (docs/transparency-log.md §1). Every member is always present. */
export interface LogLeaf {
  v: 1;
  kind: LeafKind;
  /** 64 hex: the event's hash (§1.3). */
  event: string;
  /** "L-" + 22 base64url characters (§1.4). */
  listener: string;
  seq: number | null;
  time: number;
  track: string | null;
  artist: string | null;
  outcome: 'paid' | 'free' | 'unpaid' | null;
  freeReason: 'short' | 'owned' | 'free_track' | 'own_track' | null;
  playIndex: number | null;
  /** Thousandths charged. */
  price: number;
  /** Ten-thousandths. */
  artistShare: number;
  coopShare: number;
  /** Thousandths credited (grants, vouchers: positive) or taken back (corrections: negative). */
  credit: number;
  corrects: number | null;
}

export const LEAF_KINDS = ['play', 'purchase', 'grant', 'voucher', 'correction'] as const;
export type LeafKind = (typeof LEAF_KINDS)[number];

const MEMBERS = [
  'v',
  'kind',
  'event',
  'listener',
  'seq',
  'time',
  'track',
  'artist',
  'outcome',
  'freeReason',
  'playIndex',
  'price',
  'artistShare',
  'coopShare',
  'credit',
  'corrects',
] as const;
const MEMBER_SET: ReadonlySet<string> = new Set(MEMBERS);
const OUTCOMES = ['paid', 'free', 'unpaid'];
const FREE_REASONS = ['short', 'owned', 'free_track', 'own_track'];

const isInt = (v: unknown, min = 0): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isIntOrNull = (v: unknown, min = 0) => v === null || isInt(v, min);
const isStrOrNull = (v: unknown) => v === null || (typeof v === 'string' && v.length > 0 && v.length <= 200);

/** The problems of a would-be leaf; empty when it is one. Checks the shape and the money rules that hold on every leaf. */
export function leafProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['a leaf is a JSON object'];
  const o = value as Record<string, unknown>;
  const problems: string[] = [];
  // A Set and a for…in, not filter/includes: this runs for every leaf a settlement writes.
  const extra: string[] = [];
  for (const k in o) if (!MEMBER_SET.has(k)) extra.push(k);
  if (extra.length) problems.push(`unknown members: ${extra.join(', ')}`);
  for (const m of MEMBERS) if (!(m in o)) problems.push(`missing member ${m}`);
  if (problems.length) return problems;
  if (o.v !== 1) problems.push('v must be 1');
  if (!(LEAF_KINDS as readonly string[]).includes(o.kind as string))
    problems.push('kind is not a known kind');
  if (typeof o.event !== 'string' || !/^[0-9a-f]{64}$/.test(o.event))
    problems.push('event must be 64 lower-case hex');
  if (typeof o.listener !== 'string' || !/^L-[A-Za-z0-9_-]{22}$/.test(o.listener))
    problems.push('listener must be L- and 22 base64url characters');
  if (!isIntOrNull(o.seq, 1)) problems.push('seq must be a positive integer or null');
  if (!isInt(o.time)) problems.push('time must be a non-negative integer');
  if (!isStrOrNull(o.track) || !isStrOrNull(o.artist)) problems.push('track and artist must be ids or null');
  if (o.outcome !== null && !OUTCOMES.includes(o.outcome as string))
    problems.push('outcome is not paid, free, unpaid or null');
  if (o.freeReason !== null && !FREE_REASONS.includes(o.freeReason as string))
    problems.push('freeReason is not a known reason or null');
  if (!isIntOrNull(o.playIndex, 1) || (o.playIndex !== null && (o.playIndex as number) > 9))
    problems.push('playIndex must be 1..9 or null');
  for (const m of ['price', 'artistShare', 'coopShare'] as const)
    if (!isInt(o[m])) problems.push(`${m} must be a non-negative integer`);
  if (!isInt(o.credit, -Number.MAX_SAFE_INTEGER)) problems.push('credit must be an integer');
  if (!isIntOrNull(o.corrects)) problems.push('corrects must be a leaf index or null');
  if (problems.length) return problems;
  const price = o.price as number;
  if (
    (o.artistShare as number) + (o.coopShare as number) !== price * 10 ||
    (o.artistShare as number) * 100 !== price * 10 * 70
  )
    problems.push('shares are not 70/30 of the price');
  const isPlay = o.kind === 'play';
  if (isPlay !== (o.outcome !== null)) problems.push('outcome is set on plays only, and always on them');
  if ((o.kind === 'play' || o.kind === 'purchase') && (o.track === null || o.artist === null))
    problems.push('plays and purchases name a track and an artist');
  if (o.outcome === 'paid' && (o.playIndex === null || price === 0))
    problems.push('a paid play has a play index and a price');
  if (o.outcome !== 'paid' && o.playIndex !== null) problems.push('only paid plays have a play index');
  if ((o.outcome === 'free' || o.outcome === 'unpaid') && price !== 0)
    problems.push('free and unpaid plays cost nothing');
  if ((o.outcome === 'free') !== (o.freeReason !== null))
    problems.push('freeReason is set exactly on free plays');
  problems.push(...creditProblems(o));
  return problems;
}

/** The credit rules: positive on grants and vouchers, negative on corrections (what was taken back), 0 otherwise. */
function creditProblems(o: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const credit = o.credit as number;
  if ((o.kind === 'grant' || o.kind === 'voucher') !== credit > 0)
    problems.push('credit is positive on grants and vouchers only');
  if ((o.kind === 'correction') !== credit < 0) problems.push('credit is negative on corrections only');
  if ((o.kind === 'correction') !== (o.corrects !== null))
    problems.push('corrects is set exactly on corrections');
  if (o.kind === 'correction' && (o.price !== 0 || o.seq !== null || o.track !== null || o.artist !== null))
    problems.push('a correction charges nothing and names no track, artist or seq');
  return problems;
}

/**
 * The rules between leaves (docs/transparency-log.md §1.1) that one leaf alone
 * cannot show: a correction names an earlier `grant` leaf of the same listener
 * pseudonym, takes back exactly what it credited, and no grant is corrected
 * twice. `leaves[i]` is leaf i of the tree. Empty when all hold.
 */
export function correctionProblems(leaves: ReadonlyArray<LogLeaf>): string[] {
  const problems: string[] = [];
  const corrected = new Set<number>();
  leaves.forEach((leaf, i) => {
    if (leaf.kind !== 'correction') return;
    const c = leaf.corrects!;
    const grant = c < i ? leaves[c] : undefined;
    if (!grant || grant.kind !== 'grant')
      problems.push(`the correction at leaf ${i} names leaf ${c}, which is not an earlier grant`);
    else if (grant.listener !== leaf.listener)
      problems.push(`the correction at leaf ${i} names a grant (leaf ${c}) of another listener`);
    else if (leaf.credit !== -grant.credit)
      problems.push(`the correction at leaf ${i} takes back ${-leaf.credit} of a grant of ${grant.credit}`);
    if (corrected.has(c)) problems.push(`the correction at leaf ${i} corrects leaf ${c} a second time`);
    corrected.add(c);
  });
  return problems;
}

/** The leaf's canonical bytes (RFC 8785) as a string; throws on a value that is not a valid leaf. */
export function encodeLeaf(leaf: LogLeaf): string {
  const problems = leafProblems(leaf);
  if (problems.length) throw new Error(`not a log leaf: ${problems.join('; ')}`);
  // RFC 8785 is ES2015 JSON.stringify with members sorted by UTF-16 code units; for a
  // flat object of strings, safe integers and nulls, stringifying the members in
  // sorted order is exactly that (and several times faster than a generic
  // canonicaliser on the settlement path). tests/unit/tlog/leaf.test.ts checks it
  // against `canonicalize` on random leaves.
  // Built as text member by member (a validated leaf holds only strings, safe integers and
  // nulls, which JSON.stringify writes exactly as RFC 8785 does): no intermediate object.
  // A plain indexed loop over precomputed `,"name":` prefixes: no iterator or template per member.
  let text = '';
  for (let i = 0; i < SORTED_MEMBERS.length; i++) {
    const value = leaf[SORTED_MEMBERS[i]!];
    text += MEMBER_PREFIXES[i]! + (typeof value === 'string' ? JSON.stringify(value) : String(value));
  }
  return `${text}}`;
}

const SORTED_MEMBERS = [...MEMBERS].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
/** `{"artist":`, `,"artistShare":`, …: each member's name as it opens its place in the text. */
const MEMBER_PREFIXES = SORTED_MEMBERS.map((m, i) => `${i ? ',' : '{'}"${m}":`);

/** Parses leaf bytes as served; the bytes must be valid, canonical, and a leaf. */
export function parseLeaf(text: string): { ok: true; leaf: LogLeaf } | { ok: false; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not JSON: ${(error as Error).message}`] };
  }
  const problems = leafProblems(value);
  if (problems.length) return { ok: false, problems };
  if (canonicalize(value) !== text)
    return { ok: false, problems: ['the bytes are not in canonical (RFC 8785) form'] };
  return { ok: true, leaf: value as LogLeaf };
}

/** H(0x00 || UTF-8 bytes of the canonical leaf). */
export function hashLeafText(text: string): Hash {
  return leafHash(utf8Bytes(text));
}
