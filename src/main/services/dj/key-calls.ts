import { CallError } from '../../../shared/contract/define';
import { compatibleKeys, formatKey, parseKey, type MusicalKey } from '../../../shared/musical-key';
import { parseQuery } from '../../../shared/query';
import type { DjInput } from './dj-parts';

const keyNames = (key: MusicalKey) => ({
  camelot: formatKey(key, 'camelot'),
  musical: formatKey(key, 'musical'),
  openKey: formatKey(key, 'openkey'),
});

/** `dj.checkQuery`: the query language's error, or null. */
export function checkQuery({ query }: DjInput<'dj.checkQuery'>) {
  const parsed = parseQuery(query);
  return { error: parsed.ok ? null : parsed.error };
}

/** `dj.compatibleKeys`: a key in three notations and its four harmonic neighbours. */
export function compatibleKeysCall({ key }: DjInput<'dj.compatibleKeys'>) {
  const parsed = parseKey(key);
  if (!parsed)
    throw new CallError('invalid_input', `"${key}" is not a key`, [{ path: 'key', message: 'not a key' }]);
  const relations = ['same', 'down', 'up', 'relative'] as const;
  return {
    key: keyNames(parsed),
    compatible: compatibleKeys(parsed).map((k, i) => ({ ...keyNames(k), relation: relations[i]! })),
  };
}
