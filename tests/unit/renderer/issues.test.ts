import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../../src/renderer/src/i18n/en';
import { humanizePath, issueText } from '../../../src/renderer/src/lib/issues';

const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({
    lng: 'en',
    resources: { en: { translation: en } },
    interpolation: { escapeValue: false },
  });
});

// Issue 15: "Not saved: syncServerUrl: Invalid input" showed the contract's field name.
describe('issueText', () => {
  it('names a refused setting by its label and says what to enter', () => {
    const text = issueText({ path: 'syncServerUrl', message: 'Invalid input' }, i18n.t);
    expect(text).toBe(
      'Sync server address: enter an address that starts with http:// or https://, or leave it empty to use the bundled server.',
    );
    expect(text).not.toContain('syncServerUrl');
  });
  it('labels an element of a list field by the list', () => {
    expect(issueText({ path: 'libraryFolders.3', message: 'Too long' }, i18n.t)).toMatch(/^Music folders: /);
  });
  it('humanizes a field it has no label for, with the validator message', () => {
    expect(
      issueText({ path: 'windowBounds.width', message: 'Too small: expected number to be >=400' }, i18n.t),
    ).toBe('Window bounds width: Too small: expected number to be >=400');
  });
});

describe('humanizePath', () => {
  it('never leaves a camelCase code name', () => {
    expect(humanizePath('syncServerUrl')).toBe('Sync server url');
    expect(humanizePath('a.bC[0]')).toBe('A b c 0');
  });
});
