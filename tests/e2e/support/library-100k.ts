import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedSyntheticLibrary } from '../../support/synthetic-library';

/** The 100,000-track library of the scale e2e and the UI benchmark. */
export const LIBRARY_100K = {
  tracks: 100_000,
  /** The folder the synthetic tracks say they are in; it exists (empty), so the library keeps them as they are. */
  folder: join(tmpdir(), 'resonate-e2e-100k-music'),
};

/** The built database (cached: see `cachedSyntheticLibrary`); Playwright's global setup builds it before any test. */
export function library100kDatabase(): string {
  return cachedSyntheticLibrary(LIBRARY_100K);
}
