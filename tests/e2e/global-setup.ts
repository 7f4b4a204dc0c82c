import { library100kDatabase } from './support/library-100k';

/**
 * Runs once per `playwright test`, before any test and outside every test's
 * timeout: builds the big fixtures (most of a minute on a busy 2-core machine
 * the first time, a hash and a lookup after that), so no test waits for them.
 */
export default function globalSetup(): void {
  library100kDatabase();
}
