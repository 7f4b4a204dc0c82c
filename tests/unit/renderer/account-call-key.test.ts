import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';

// The renderer's client reaches for the host (window) when loaded: these tests never call it.
vi.mock('../../../src/renderer/src/api/client', async () => ({
  ApiError: (await import('../../../src/renderer/src/api/api-error')).ApiError,
  api: { call: () => Promise.reject(new Error('no host in unit tests')), on: () => () => undefined },
}));

const { accountCallKey } = await import('../../../src/renderer/src/api/queries');

const alice = { userId: 'u-alice', serverUrl: 'https://coop.example', bundledServer: false };
const aliceStatus = { role: 'admin' };

function cacheWithAlicesAnswer(): QueryClient {
  const client = new QueryClient();
  client.setQueryData(accountCallKey('node.status', {}, alice), aliceStatus);
  return client;
}

describe('accountCallKey (a call answered for the signed-in account)', () => {
  it('never gives another account, or the same account elsewhere, the answer cached for this one', () => {
    const client = cacheWithAlicesAnswer();
    const read = (who: Partial<typeof alice>) =>
      client.getQueryData(accountCallKey('node.status', {}, { ...alice, ...who }));
    expect(read({})).toEqual(aliceStatus);
    expect(read({ userId: 'u-bob' })).toBeUndefined();
    expect(read({ serverUrl: 'http://127.0.0.1:4000' })).toBeUndefined();
    expect(read({ bundledServer: true })).toBeUndefined();
    expect(client.getQueryData(accountCallKey('node.status', {}, undefined))).toBeUndefined();
  });

  it('is still found by the call name, so declared invalidations and setQueriesData reach it', async () => {
    const client = cacheWithAlicesAnswer();
    client.setQueriesData({ queryKey: ['node.status'] }, { role: 'listener' });
    expect(client.getQueryData(accountCallKey('node.status', {}, alice))).toEqual({ role: 'listener' });
    await client.invalidateQueries({ queryKey: ['node.status'] });
    expect(client.getQueryState(accountCallKey('node.status', {}, alice))?.isInvalidated).toBe(true);
  });
});
