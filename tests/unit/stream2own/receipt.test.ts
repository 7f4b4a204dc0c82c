import { describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { generateEd25519KeyPair, publicKeyOf, signEd25519, verifyEd25519 } from '../../../src/node/ed25519';
import { signPlayReceipt, verifySignedPlayReceipt } from '../../../src/node/receipt-signing';
import {
  canonicalReceiptJson,
  playReceiptSchema,
  receiptSigningBytes,
  type PlayReceipt,
} from '../../../src/shared/receipt';

function aReceipt(overrides: Partial<PlayReceipt> = {}): PlayReceipt {
  return {
    v: 1,
    id: uuidv7(),
    deviceId: uuidv7(),
    seq: 1,
    trackId: 'track-1',
    sessionStartedAt: '2026-01-01T12:00:00.000Z',
    countedAt: '2026-01-01T12:00:45.000Z',
    heardMs: 45_000,
    durationMs: 180_000,
    estimatedPriceThousandths: 2,
    ...overrides,
  };
}

describe('play receipt v1', () => {
  it('accepts a well-formed receipt', () => {
    expect(playReceiptSchema.safeParse(aReceipt()).success).toBe(true);
  });

  it.each([
    ['an unknown field', { extra: 1 }],
    ['a UUIDv4 id', { id: '0b7a4c8e-2c8a-4e9f-903c-5d2a1b4e0112' }],
    ['an upper-case id', { id: '019B7A4C-E2C8-7A3E-9F10-3C5D2A1B4E01' }],
    ['an instant with an offset', { countedAt: '2026-01-01T12:00:45.000+00:00' }],
    ['an instant without milliseconds', { countedAt: '2026-01-01T12:00:45Z' }],
    ['an impossible date', { countedAt: '2026-02-30T12:00:45.000Z' }],
    ['a fractional heardMs', { heardMs: 45_000.5 }],
    ['seq 0', { seq: 0 }],
    ['a price beyond the price to own', { estimatedPriceThousandths: 1023 }],
    ['heard less than 45 s of a long track', { heardMs: 44_999 }],
    ['a short track not heard to the end', { durationMs: 30_000, heardMs: 28_999 }],
    ['counted before the session started', { countedAt: '2026-01-01T11:59:59.000Z' }],
    ['a track id with a slash', { trackId: 'a/b' }],
    ['version 2', { v: 2 }],
  ])('rejects %s', (_what, overrides) => {
    expect(playReceiptSchema.safeParse({ ...aReceipt(), ...overrides }).success).toBe(false);
  });

  it('accepts a short track heard to the end', () => {
    expect(
      playReceiptSchema.safeParse(
        aReceipt({ durationMs: 30_000, heardMs: 30_000, estimatedPriceThousandths: 0 }),
      ).success,
    ).toBe(true);
  });

  it('canonicalizes independently of member order', () => {
    const r = aReceipt();
    const reversed = Object.fromEntries(Object.entries(r).reverse()) as PlayReceipt;
    expect(canonicalReceiptJson(reversed)).toBe(canonicalReceiptJson(r));
    expect(canonicalReceiptJson(r).startsWith('{"countedAt":')).toBe(true);
  });

  it('signs and verifies with a fresh device key, and rejects another key or tampering', () => {
    const key = generateEd25519KeyPair();
    expect(publicKeyOf(key.privateKey)).toBe(key.publicKey);
    const signed = signPlayReceipt(aReceipt(), key.privateKey);
    expect(signed.signature).toHaveLength(86);
    expect(verifySignedPlayReceipt(signed, key.publicKey).ok).toBe(true);
    expect(verifySignedPlayReceipt(signed, generateEd25519KeyPair().publicKey)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(
      verifySignedPlayReceipt({ ...signed, receipt: { ...signed.receipt, heardMs: 46_000 } }, key.publicKey),
    ).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifySignedPlayReceipt({ ...signed, extra: true }, key.publicKey)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('never throws on garbage signatures or keys', () => {
    const bytes = receiptSigningBytes(aReceipt());
    const key = generateEd25519KeyPair();
    expect(verifyEd25519(key.publicKey, bytes, 'not base64!')).toBe(false);
    expect(verifyEd25519(key.publicKey, bytes, 'AAAA')).toBe(false);
    expect(verifyEd25519('short', bytes, signEd25519(key.privateKey, bytes))).toBe(false);
  });
});
