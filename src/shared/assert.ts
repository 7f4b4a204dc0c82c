/**
 * One assertion helper for invariants (money code asserts what each step
 * guarantees at its end). A failed assertion is a bug, never bad input: bad
 * input gets its own clear error before it reaches an invariant.
 */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(`invariant broken: ${message}`);
}
