import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publicKeyOf, signEd25519, verifyEd25519 } from '../../../src/node/ed25519';
import { verifySignedPlayReceipt } from '../../../src/node/receipt-signing';
import { canonicalReceiptJson, playReceiptSchema, receiptSigningBytes } from '../../../src/shared/receipt';

/** The worked example in docs/protocol.md must keep verifying against the code. */
const doc = readFileSync(fileURLToPath(new URL('../../../docs/protocol.md', import.meta.url)), 'utf8');

function example(name: string): string {
  const match = new RegExp(`<!-- example:${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
  if (!match?.[1]) throw new Error(`docs/protocol.md has no example block "${name}"`);
  return match[1].trim();
}

const RFC8032_TEST1_SEED = Buffer.from(
  '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  'hex',
).toString('base64url');

describe('docs/protocol.md worked example', () => {
  const receipt = playReceiptSchema.parse(JSON.parse(example('receipt')));
  const publicKey = example('public-key');
  const signature = example('signature');

  it('uses the RFC 8032 test key', () => {
    expect(publicKeyOf(RFC8032_TEST1_SEED)).toBe(publicKey);
    expect(Buffer.from(publicKey, 'base64url').toString('hex')).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
  });

  it('has the canonical JSON and signing bytes the code makes', () => {
    expect(canonicalReceiptJson(receipt)).toBe(example('canonical'));
    expect(Buffer.from(receiptSigningBytes(receipt)).toString('hex')).toBe(example('signing-bytes-hex'));
  });

  it('has a signature that verifies, and is the one the code makes', () => {
    expect(verifyEd25519(publicKey, receiptSigningBytes(receipt), signature)).toBe(true);
    expect(signEd25519(RFC8032_TEST1_SEED, receiptSigningBytes(receipt))).toBe(signature);
    expect(verifySignedPlayReceipt({ receipt, signature }, publicKey)).toEqual({ ok: true, receipt });
  });

  it('stops verifying when one field changes', () => {
    expect(verifySignedPlayReceipt({ receipt: { ...receipt, seq: 43 }, signature }, publicKey)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });
});
