import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { verifyReportCommand } from '../../../src/cli/commands/verify-report';
import { verifyEarningsReport } from '../../../src/node/report-verifier';
import { fcParams } from '../stream2own/fc-seed';
import { sampleReport } from './report-builder';

/**
 * The verifier answers every input and never passes a report that is not
 * exactly what an honest server would have made: random mutations of a valid
 * report (any number, string, or type in the plays, purchases, opening
 * states, tracks and totals replaced; a member deleted; an item removed or
 * repeated) are never `ok`, never throw, and through the CLI always give one
 * line of JSON and a non-zero exit. Seeded and replayable: FC_SEED (and
 * FC_RUNS).
 *
 * Not mutated, because an honest report may say anything there without
 * changing what anyone earns: generatedAt, the artist's id and name, track
 * titles, the period's bounds (a play moved outside them is a mutation of
 * the play), the paid-play count of an opening state that is already owned
 * (an owned track stays owned, free, whatever the count), the opening state
 * of a pair whose plays in the report are all short, marked free or unpaid
 * (nothing in the report depends on it; a chain checks it); and two changes
 * are dropped as harmless when they happen: a settlement number changed
 * without changing the order of the listener's events with that track (the numbers span every artist, so
 * gaps are normal), and a settlement time moved within the period (the
 * order is the settlement number's).
 */
const { report: valid } = sampleReport();
const dir = mkdtempSync(join(tmpdir(), 'verify-report-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The (listener, track) pairs with a paid play or a purchase in the report: only their opening state decides a price in it. */
const priced = new Set([
  ...valid.plays
    .filter((p) => p.outcome === 'paid' || p.freeReason === 'owned')
    .map((p) => `${p.listener}\n${p.signed.receipt.trackId}`),
  ...valid.purchases.map((b) => `${b.listener}\n${b.trackId}`),
]);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

/** Every leaf (and container) path a mutation may touch, per the rule above. */
function mutablePaths(value: Json, path: Path = [], out: Path[] = []): Path[] {
  const top = path[0];
  if (
    path.length === 1 &&
    (top === 'format' || top === 'version' || top === 'generatedAt' || top === 'artist' || top === 'period')
  ) {
    if (top === 'format' || top === 'version') out.push(path);
    return out;
  }
  if (top === 'tracks' && path[2] === 'title') return out;
  if (top === 'openingStates' && (path[2] === 'paidPlaysBefore' || path[2] === 'ownedBefore')) {
    const o = valid.openingStates[path[1] as number]!;
    if (path[2] === 'paidPlaysBefore' && o.ownedBefore) return out;
    if (!priced.has(`${o.listener}\n${o.trackId}`)) return out;
  }
  if (path.length > 0) out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => mutablePaths(v, [...path, i], out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) mutablePaths(v, [...path, k], out);
  return out;
}

const paths = mutablePaths(valid as unknown as Json);
const arrays = ['plays', 'purchases', 'openingStates', 'tracks'] as const;

const weird: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    0,
    -1,
    1,
    1.5,
    1e300,
    -1e300,
    2 ** 53,
    null,
    true,
    false,
    '',
    '0',
    [],
    {},
    'L-zz',
    '\u0000',
    '\ud800',
  ),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double(),
  fc.string({ maxLength: 90 }),
  fc.constant<Json>('AAAA-not-the-value'),
);

type Mutation =
  | { kind: 'set'; path: Path; value: Json }
  | { kind: 'nudge'; path: Path; delta: number }
  | { kind: 'delete'; path: Path }
  | { kind: 'remove'; array: (typeof arrays)[number]; index: number }
  | { kind: 'repeat'; array: (typeof arrays)[number]; index: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), path: fc.constantFrom(...paths), value: weird }),
  fc.record({
    kind: fc.constant('nudge' as const),
    path: fc.constantFrom(...paths),
    delta: fc.oneof(fc.constantFrom(1, -1, 1000, 0.5), fc.integer({ min: -50, max: 50 })),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    path: fc.constantFrom(...paths.filter((p) => typeof p[p.length - 1] === 'string')),
  }),
  fc.record({ kind: fc.constant('remove' as const), array: fc.constantFrom(...arrays), index: fc.nat(20) }),
  fc.record({ kind: fc.constant('repeat' as const), array: fc.constantFrom(...arrays), index: fc.nat(20) }),
);

function get(root: Json, path: Path): Json {
  return path.reduce<Json>((node, k) => (node as Record<string | number, Json>)[k]!, root);
}

/**
 * A listener's events with one track in the order their settlement numbers
 * give, or null when two share one: the replay is per listener and track, so
 * a changed number that keeps this order is no change to any decision (the
 * numbers span every artist, so gaps are normal).
 */
function settlementOrder(report: Json, listener: Json, trackId: Json): string[] | null {
  const r = report as { plays: Array<Record<string, Json>>; purchases: Array<Record<string, Json>> };
  const trackOf = (e: Record<string, Json>) =>
    e.trackId ?? (e.signed as { receipt: { trackId: Json } }).receipt.trackId;
  const events = [
    ...r.plays.map((p, i): Record<string, Json> => ({ ...p, id: `play ${i}` })),
    ...r.purchases.map((b, i): Record<string, Json> => ({ ...b, id: `purchase ${i}` })),
  ]
    .filter((e) => e.listener === listener && trackOf(e) === trackId)
    .map((e) => ({ id: e.id as string, seq: e.settlementSeq as number }));
  if (new Set(events.map((e) => e.seq)).size !== events.length) return null;
  return events.sort((a, b) => a.seq - b.seq).map((e) => e.id);
}

/** Changes that an honest server could have made too: nothing to catch. */
function harmless(before: Json, after: Json, m: Mutation): boolean {
  if (m.kind !== 'set' && m.kind !== 'nudge') return false;
  const field = m.path[m.path.length - 1];
  const item = get(after, m.path.slice(0, -1)) as Record<string, Json>;
  const value = item[field as string];
  if (field === 'settlementSeq' && Number.isSafeInteger(value) && (value as number) >= 1) {
    const trackId = item.trackId ?? (item.signed as { receipt: { trackId: Json } }).receipt.trackId;
    const order = settlementOrder(after, item.listener!, trackId);
    return (
      order !== null &&
      JSON.stringify(order) === JSON.stringify(settlementOrder(before, item.listener!, trackId))
    );
  }
  if (field === 'settledAt' && m.path.length === 3 && typeof value === 'string') {
    // Within the period the settlement time decides nothing (the order is the settlement number).
    const t = Date.parse(value);
    return (
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) &&
      new Date(t).toISOString() === value &&
      t >= Date.parse(valid.period.from) &&
      t < Date.parse(valid.period.to)
    );
  }
  return false;
}

/** Applies a mutation; null when it leaves the report byte-for-byte the same, or changes it harmlessly (then there is nothing to catch). */
function mutate(m: Mutation): Json | null {
  const copy = structuredClone(valid) as unknown as Json;
  const before = JSON.stringify(copy);
  if (m.kind === 'remove' || m.kind === 'repeat') {
    const list = (copy as Record<string, Json[]>)[m.array]!;
    if (list.length === 0) return null;
    const i = m.index % list.length;
    if (m.kind === 'remove') list.splice(i, 1);
    else list.push(structuredClone(list[i]!));
  } else {
    const parent = get(copy, m.path.slice(0, -1)) as Record<string | number, Json>;
    const key = m.path[m.path.length - 1]!;
    if (m.kind === 'delete') delete parent[key];
    else if (m.kind === 'set') parent[key] = m.value;
    else {
      const old = parent[key];
      if (typeof old !== 'number') return null;
      parent[key] = old + m.delta;
    }
  }
  const after = JSON.stringify(copy);
  if (after === before || harmless(JSON.parse(before) as Json, copy, m)) return null;
  return JSON.parse(after) as Json;
}

async function runCli(json: Json): Promise<{ code: number; lines: string[] }> {
  const file = join(dir, 'report.json');
  writeFileSync(file, JSON.stringify(json));
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const code = await verifyReportCommand.run([file, '--json']);
    return { code, lines: out.join('').split('\n').filter(Boolean) };
  } finally {
    spy.mockRestore();
  }
}

describe('earnings report verifier: mutations of a valid report (property)', () => {
  it('the unmutated report verifies, and the CLI exits 0 with one JSON answer', async () => {
    expect(verifyEarningsReport(valid).mismatches).toEqual([]);
    const cli = await runCli(valid as unknown as Json);
    expect(cli.code).toBe(0);
    expect(cli.lines).toHaveLength(1);
    expect(JSON.parse(cli.lines[0]!)).toMatchObject({ ok: true });
  });

  it('a mutated report never passes and never throws; the CLI answers JSON and exits 1 or 2', async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const mutated = mutate(m);
        fc.pre(mutated !== null);
        const result = verifyEarningsReport(mutated);
        expect(result.ok, JSON.stringify(m)).toBe(false);
        expect(result.mismatches.length).toBeGreaterThan(0);
        const cli = await runCli(mutated);
        expect(cli.lines).toHaveLength(1);
        const answer = JSON.parse(cli.lines[0]!) as { ok: boolean };
        expect(answer.ok).toBe(false);
        expect([1, 2]).toContain(cli.code);
      }),
      fcParams(300),
    );
  }, 600_000);
});
