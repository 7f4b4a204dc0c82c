import type { Logger } from './logger';

/** One part of closing: its name (for the log) and what it waits for. */
export interface CloseStep {
  name: string;
  run: () => Promise<void> | void;
}

/** How long one step may take before closing goes on without it. */
export const CLOSE_STEP_LIMIT_MS = 10_000;

/**
 * Runs closing steps one after another. A step that fails, or takes longer
 * than `limitMs`, is logged by name and closing goes on with the next: quitting
 * the app (or a test's host) never waits forever on one part, and the steps
 * after it (the database last) still run. Answers the names of the steps that
 * failed or overran.
 *
 * Safe to go on because what a step leaves running only ever writes through
 * transactions: a write that comes after the database closed fails whole.
 */
export async function closeInTurn(
  steps: readonly CloseStep[],
  logger: Logger,
  limitMs: number = CLOSE_STEP_LIMIT_MS,
): Promise<string[]> {
  const troubled: string[] = [];
  for (const step of steps) {
    const outcome = await withinLimit(step, limitMs);
    if (outcome === 'done') continue;
    troubled.push(step.name);
    if (outcome === 'overran') {
      logger.warn(
        { step: step.name, limitMs },
        `closing: ${step.name} did not finish in ${limitMs} ms; going on`,
      );
    } else {
      logger.warn({ step: step.name, err: outcome.error }, `closing: ${step.name} failed; going on`);
    }
  }
  return troubled;
}

async function withinLimit(
  step: CloseStep,
  limitMs: number,
): Promise<'done' | 'overran' | { error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const overran = new Promise<'overran'>((resolve) => {
    timer = setTimeout(() => resolve('overran'), limitMs);
    timer.unref?.();
  });
  const finished = (async () => {
    await step.run();
    return 'done' as const;
  })().catch((error: unknown) => ({ error }));
  try {
    return await Promise.race([finished, overran]);
  } finally {
    clearTimeout(timer);
  }
}
