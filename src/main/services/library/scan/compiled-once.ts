import type { Compilable, CompiledQuery } from 'kysely';
import { assert } from '../../../../shared/assert';

/**
 * A typed Kysely query compiled once and bound per call, for the scanner's
 * per-file statements. Building and compiling a 33-column insert for each of
 * 100,000 files cost about a quarter of a cold scan's write loop (measured,
 * see the commit); the SQL text is the same every time, so it is compiled
 * once here and each call only binds its values (`typedDb` then finds the
 * prepared statement by that text).
 *
 * `build` gets a stand-in for each value (a marker string in its place), so
 * the query is written and type-checked like any other; every value must
 * reach the query as a bound parameter, and every bound parameter must be one
 * of the values (a constant goes in as `sql.lit`, e.g. `limit(sql.lit(1))`).
 */
export function compiledOnce<P extends Record<string, unknown>, O>(
  keys: readonly (keyof P & string)[],
  build: (values: P) => Compilable<O>,
): (values: P) => Compilable<O> {
  const marker = (key: string) => `\u0000compiled-once\u0000${key}`;
  const standIns = Object.fromEntries(keys.map((k) => [k, marker(k)])) as unknown as P;
  const compiled = build(standIns).compile();
  const byMarker = new Map(keys.map((k) => [marker(k), k]));
  const slots = compiled.parameters.map((p) => (typeof p === 'string' ? byMarker.get(p) : undefined));
  assert(
    slots.every((slot) => slot !== undefined),
    `compiledOnce: a parameter of ${compiled.sql} is not one of the values`,
  );
  const ordered = slots as (keyof P & string)[];
  return (values) => ({
    compile: (): CompiledQuery<O> => ({ ...compiled, parameters: ordered.map((k) => values[k]) }),
  });
}
