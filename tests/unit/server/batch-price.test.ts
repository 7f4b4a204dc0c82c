import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceBatch } from '../../../src/server/settlement/batch-price';
import type { Candidate, LoadedState } from '../../../src/server/settlement/batch-types';
import {
  cumulativeCostThousandths,
  freeReasonFor,
  heardMsNeededToCount,
  priceOfPaidPlay,
} from '../../../src/shared/pricing';

/**
 * The pricing stage of settlement alone: a pure function of the loaded state.
 * Seeded and replayable: FC_SEED=<printed seed> npx vitest run tests/unit/server/batch-price.test.ts
 */
const fromEnv = process.env.FC_SEED;
const FC_SEED =
  fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
if (fromEnv === undefined) console.log(`[settlement pricing properties] FC_SEED=${FC_SEED}`);
const params = { seed: FC_SEED, numRuns: Number(process.env.FC_RUNS ?? 300) };

const NOW = 1_800_000_000_000;
const USER = 'listener';

function state(over: {
  balance: number;
  allowance: number;
  durationMs?: number;
  status?: 'paid' | 'free';
  own?: boolean;
}): LoadedState {
  return {
    userId: USER,
    now: NOW,
    wallet: { user_id: USER, balance: over.balance, reserved: over.allowance, version: 3, settle_seq: 10 },
    devices: [
      {
        id: 'phone',
        revoked_at: null,
        allowance: over.allowance,
        last_seq: 0,
        frozen_until: null,
        release_seq: null,
      },
    ],
    existing: [],
    usedSeqs: [],
    tracks: [
      { id: 't1', artist_id: 'a1', duration_ms: over.durationMs ?? 200_000, status: over.status ?? 'paid' },
    ],
    ownArtists: over.own ? ['a1'] : [],
    listenerTracks: [],
    releasedSeqCounts: [],
  };
}

function candidate(i: number, over: Partial<Candidate['receipt']> = {}): Candidate {
  const receipt = {
    v: 1 as const,
    id: `r${i}`,
    deviceId: 'phone',
    seq: i + 1,
    trackId: 't1',
    sessionStartedAt: new Date(NOW - 100_000 + i).toISOString(),
    countedAt: new Date(NOW - 50_000 + i).toISOString(),
    heardMs: 45_000,
    durationMs: 200_000,
    estimatedPriceThousandths: 0,
    ...over,
  };
  return {
    index: i,
    receipt,
    countedAtMs: NOW - 50_000 + i,
    timeAnomaly: null,
    clockSkewMs: null,
    contentHash: `h${i}`,
    canonicalJson: '{}',
    signature: 's',
    signatureValid: true,
  };
}

const options = { postingDeviceId: null, allowanceTarget: 0 };

describe('settlement pricing stage (pure)', () => {
  it('leaves the loaded state as it was and answers the same for the same input', () => {
    const loaded = state({ balance: 100, allowance: 40 });
    const before = structuredClone(loaded);
    const candidates = [0, 1, 2, 3].map((i) => candidate(i));
    const first = priceBatch(loaded, candidates, options);
    expect(loaded).toEqual(before);
    expect(priceBatch(loaded, candidates, options)).toEqual(first);
    expect(
      [...first.results.values()].map((r) => (r.status === 'settled' ? r.priceThousandths : r.reason)),
    ).toEqual([2, 4, 8, 16]);
    // The device's allowance is spent first.
    expect(first.devices.get('phone')!.allowance).toBe(40 - 30);
  });

  it('charges the price table in order until the wallet cannot cover the next play, then counts unpaid; owned after nine, then free', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 500, max: 1100 }),
          fc.constant(1022),
          fc.constant(1021),
        ),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 14 }),
        (balance, allowanceShare, plays) => {
          const allowance = Math.floor((balance * allowanceShare) / 100);
          const priced = priceBatch(
            state({ balance, allowance }),
            Array.from({ length: plays }, (_, i) => candidate(i)),
            options,
          );
          const results = [...priced.results.values()];
          let paid = 0;
          let left = balance;
          for (const r of results) {
            expect(r.status).toBe('settled');
            if (r.status !== 'settled') continue;
            if (paid === 9) {
              expect(r).toMatchObject({ outcome: 'free', freeReason: 'owned', priceThousandths: 0 });
            } else if (left >= priceOfPaidPlay(paid + 1)) {
              paid += 1;
              left -= priceOfPaidPlay(paid);
              expect(r).toMatchObject({
                outcome: 'paid',
                playIndex: paid,
                priceThousandths: priceOfPaidPlay(paid),
                owned: paid === 9,
              });
            } else {
              expect(r).toMatchObject({ outcome: 'unpaid', playIndex: null, priceThousandths: 0 });
            }
          }
          expect(priced.charged).toBe(cumulativeCostThousandths(paid));
          expect(priced.wallet.balance).toBe(balance - priced.charged);
          expect(priced.newTransfers.flatMap((t) => t.postings).reduce((s, p) => s + p.amount, 0)).toBe(0);
          expect(priced.wallet.reserved).toBe(priced.devices.get('phone')!.allowance);
        },
      ),
      params,
    );
  });

  it('settles a time-window or seq anomaly at the server index, flagged; refuses only what is final', () => {
    const loaded = { ...state({ balance: 100, allowance: 0 }), usedSeqs: [{ device_id: 'phone', seq: 2 }] };
    const future = { ...candidate(0), timeAnomaly: 'counted_in_future' as const, clockSkewMs: 3_600_000 };
    const reused = candidate(1); // seq 2, used by a settled play under another id
    const badSignature = { ...candidate(2), signatureValid: false };
    const unknownTrack = candidate(3, { trackId: 'nope' });
    const priced = priceBatch(loaded, [future, reused, badSignature, unknownTrack], options);
    expect(priced.newPlays.map((p) => [p.anomaly, p.clock_skew_ms, p.play_index])).toEqual([
      ['counted_in_future', 3_600_000, 1],
      ['seq_reused', null, 2],
    ]);
    expect([2, 3].map((i) => priced.results.get(i))).toMatchObject([
      { reason: 'bad_signature' },
      { reason: 'unknown_track' },
    ]);
  });

  it('an unexpected error deciding one receipt answers it retry_later (kept by the device) and settles the others', () => {
    const loaded = state({ balance: 100, allowance: 0 });
    loaded.tracks.push({ id: 'broken', artist_id: 'a1', duration_ms: 0, status: 'paid' }); // heardMsNeededToCount throws
    const priced = priceBatch(
      loaded,
      [candidate(0), candidate(1, { trackId: 'broken' }), candidate(2)],
      options,
    );
    expect(
      [...priced.results.values()].map((r) => (r.status === 'settled' ? r.playIndex : r.reason)),
    ).toEqual([1, 'retry_later', 2]);
    expect(priced.newPlays).toHaveLength(2);
  });

  it('a revoked device: counted before the revocation is paid from its frozen allowance, after it is device_revoked', () => {
    const loaded = state({ balance: 100, allowance: 50 });
    loaded.devices[0] = { ...loaded.devices[0]!, revoked_at: NOW - 50_000 + 1, frozen_until: NOW + 1_000 };
    const priced = priceBatch(loaded, [candidate(0), candidate(1), candidate(2)], options);
    expect([...priced.results.values()].map((r) => (r.status === 'settled' ? r.outcome : r.reason))).toEqual([
      'paid',
      'paid',
      'device_revoked',
    ]);
    expect(priced.devices.get('phone')!.allowance).toBe(50 - 6);
    expect(priced.allowance).toBe(0); // never renewed
    // Past frozen_until, the rest goes back to the wallet.
    const later = priceBatch({ ...loaded, now: NOW + 1_000 }, [], options);
    expect(later.devices.get('phone')).toMatchObject({ allowance: 0, frozen_until: null });
    expect(later.wallet.reserved).toBe(0);
  });
});

describe('the shared rules the server decides with', () => {
  it('heard enough: 45 s, or a short track heard to its end within 1 s', () => {
    expect(heardMsNeededToCount(30_000)).toBe(29_000);
    expect(heardMsNeededToCount(200_000)).toBe(45_000);
    expect(heardMsNeededToCount(45_000)).toBe(45_000);
  });

  it('one precedence of free reasons: short, owned, own_track, free_track', () => {
    const all = { durationMs: 30_000, owned: true, ownTrack: true, freeTrack: true };
    expect(freeReasonFor(all)).toBe('short');
    expect(freeReasonFor({ ...all, durationMs: 200_000 })).toBe('owned');
    expect(freeReasonFor({ ...all, durationMs: 200_000, owned: false })).toBe('own_track');
    expect(freeReasonFor({ ...all, durationMs: 200_000, owned: false, ownTrack: false })).toBe('free_track');
    expect(
      freeReasonFor({ durationMs: 200_000, owned: false, ownTrack: false, freeTrack: false }),
    ).toBeNull();
  });
});
