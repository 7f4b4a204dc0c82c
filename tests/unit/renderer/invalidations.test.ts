import { describe, expect, it } from 'vitest';
import { callNames, type CallName } from '../../../src/shared/contract';
import { callEffects, invalidatedBy } from '../../../src/renderer/src/api/invalidations';

/** Verbs that change data: a call named with one must never be classified as a read. */
const WRITE_VERB =
  /^(add|remove|update|set|create|rename|move|delete|write|undo|sign|buy|redeem|grant|make|claim|import|publish|unpublish|pin|configure|scan|cancel|relocate|analyse|open|close|save|download|corrections|now|export)(?!Status$)/i;

const verb = (name: CallName) => name.slice(name.indexOf('.') + 1);
const effects = callEffects as Record<string, 'read' | readonly string[]>;

describe('the invalidation table (api/invalidations.ts)', () => {
  it('classifies every call in the contract, and only calls in the contract', () => {
    expect(Object.keys(effects).sort()).toEqual([...callNames].sort());
  });

  it('never classifies a call that changes data as a read', () => {
    const misfiled = callNames.filter((n) => WRITE_VERB.test(verb(n)) && effects[n] === 'read');
    expect(misfiled).toEqual([]);
  });

  it('invalidates only reads (a change is never a cached query)', () => {
    const bad = callNames.flatMap((n) =>
      invalidatedBy(n)
        .filter((k) => effects[k] !== 'read')
        .map((k) => `${n} → ${k}`),
    );
    expect(bad).toEqual([]);
  });

  it('refreshes the balance after anything that spends or adds credits or changes the account', () => {
    const moneyCalls: CallName[] = [
      'wallet.buyRest',
      'wallet.buyRelease',
      'wallet.redeemVoucher',
      'node.grantCredits',
      'account.signIn',
      'account.signOut',
      'account.signUp',
      'sync.now',
    ];
    for (const n of moneyCalls) expect(invalidatedBy(n), n).toContain('wallet.get');
  });

  it('keeps what the components used to list by hand (behaviour unchanged)', () => {
    expect(invalidatedBy('library.addFolder')).toEqual(
      expect.arrayContaining(['library.folders', 'library.scanStatus', 'settings.get']),
    );
    expect(invalidatedBy('library.removeFolder')).toEqual(
      expect.arrayContaining([
        'library.folders',
        'library.tracks',
        'library.albums',
        'library.artists',
        'settings.get',
      ]),
    );
    expect(invalidatedBy('library.scan')).toEqual(['library.scanStatus']);
    expect(invalidatedBy('sync.corrections')).toEqual(['sync.status']);
    expect(invalidatedBy('settings.update')).toEqual(['settings.get']);
    expect(invalidatedBy('library.tracks')).toEqual([]);
  });
});
