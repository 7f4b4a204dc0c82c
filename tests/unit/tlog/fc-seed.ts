/**
 * Seeded, replayable property runs (as tests/unit/stream2own/fc-seed.ts): set
 * FC_SEED to replay a failure; without it a seed is drawn and printed once.
 */
const fromEnv = process.env.FC_SEED;
export const FC_SEED =
  fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
if (fromEnv === undefined) console.log(`[tlog properties] FC_SEED=${FC_SEED}`);

export function fcParams(numRuns = 200): { seed: number; numRuns: number; verbose: number } {
  return { seed: FC_SEED, numRuns: Number(process.env.FC_RUNS ?? numRuns), verbose: 1 };
}
