/**
 * Seeded, replayable property runs: set FC_SEED to replay a failure (fast-check
 * prints the seed and path of any counterexample). Without FC_SEED a seed is
 * drawn and printed once, so a failing run can always be reproduced.
 */
const fromEnv = process.env.FC_SEED;
export const FC_SEED =
  fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
if (fromEnv === undefined) console.log(`[stream2own properties] FC_SEED=${FC_SEED}`);

export function fcParams(numRuns = 200): { seed: number; numRuns: number; verbose: number } {
  return { seed: FC_SEED, numRuns: Number(process.env.FC_RUNS ?? numRuns), verbose: 1 };
}
