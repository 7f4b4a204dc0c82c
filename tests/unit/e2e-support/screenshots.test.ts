import { describe, expect, it } from 'vitest';
import { screenshotPath } from '../../e2e/support/screenshots';

// A test run must leave the work tree as it was: the docs' pictures are
// written only when asked.
describe('screenshotPath', () => {
  it('keeps a plain run out of docs/screenshots (under test-results, ignored by git)', () => {
    expect(screenshotPath('wallet.png', {})).toBe('test-results/screenshots/wallet.png');
    expect(screenshotPath('wallet.png', { UPDATE_SCREENSHOTS: '0' })).toBe(
      'test-results/screenshots/wallet.png',
    );
  });
  it('writes the docs picture only with UPDATE_SCREENSHOTS=1', () => {
    expect(screenshotPath('wallet.png', { UPDATE_SCREENSHOTS: '1' })).toBe('docs/screenshots/wallet.png');
  });
  it('collects pictures outside the repository with SCREENSHOT_DIR', () => {
    expect(screenshotPath('header.png', { SCREENSHOT_DIR: '/work/screens/before' })).toBe(
      '/work/screens/before/header.png',
    );
  });
});
