import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a screenshot goes. The docs' pictures (docs/screenshots/) are part of
 * the work tree, so a test run must not rewrite them: they are written there
 * only when asked (`UPDATE_SCREENSHOTS=1`), else under test-results/
 * (ignored by git), or under `SCREENSHOT_DIR` when that is set (to collect
 * before/after pictures outside the repository).
 */
export function screenshotPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.UPDATE_SCREENSHOTS === '1') return join('docs', 'screenshots', name);
  return join(env.SCREENSHOT_DIR ?? join('test-results', 'screenshots'), name);
}

/** A screenshot of the page (the docs' picture only with UPDATE_SCREENSHOTS=1, see `screenshotPath`). */
export async function docScreenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<string> {
  const path = screenshotPath(name);
  mkdirSync(join(path, '..'), { recursive: true });
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  return path;
}
