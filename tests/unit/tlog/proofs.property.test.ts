import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  leafHash,
  MerkleTree,
  rootOfLeafHashes,
  sha256Bytes,
  utf8Bytes,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../../src/shared/tlog';
import { fcParams } from './fc-seed';

/** RFC 9162's MTH straight from its recursive definition: the oracle the memoised tree is checked against. */
function mth(leaves: Hash[]): Hash {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  const buf = new Uint8Array(65);
  buf[0] = 1;
  buf.set(mth(leaves.slice(0, k)), 1);
  buf.set(mth(leaves.slice(k)), 33);
  return sha256Bytes(buf);
}

const flip = (h: Hash, byte: number, bit: number) =>
  Uint8Array.from(h, (b, i) => (i === byte % h.length ? b ^ (1 << (bit % 8)) : b));

const treeArb = fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 300 }).map((texts) => {
  const hashes = texts.map((t, i) => leafHash(utf8Bytes(`${i}:${t}`)));
  const tree = new MerkleTree();
  for (const h of hashes) tree.append(h);
  return { hashes, tree };
});

describe('transparency log proofs: properties over random trees', () => {
  it('the memoised root equals RFC 9162 MTH for every prefix size', () => {
    fc.assert(
      fc.property(treeArb, fc.nat(), ({ hashes, tree }, pick) => {
        const size = 1 + (pick % hashes.length);
        expect(tree.root(size)).toEqual(mth(hashes.slice(0, size)));
        expect(rootOfLeafHashes(hashes.slice(0, size))).toEqual(tree.root(size));
      }),
      fcParams(150),
    );
  });

  it('every inclusion proof verifies; a changed leaf, index, size or proof node fails', () => {
    fc.assert(
      fc.property(
        treeArb,
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.nat(31),
        fc.nat(7),
        ({ hashes, tree }, a, b, which, byte, bit) => {
          const size = 1 + (a % hashes.length);
          const index = b % size;
          const root = tree.root(size);
          const proof = tree.inclusionProof(index, size);
          const leaf = hashes[index]!;
          expect(verifyInclusion(index, size, leaf, proof, root)).toEqual({ ok: true });
          expect(verifyInclusion(index, size, flip(leaf, byte, bit), proof, root).ok).toBe(false);
          if (size > 1) {
            expect(
              verifyInclusion((index + 1 + (which % (size - 1))) % size, size, leaf, proof, root).ok,
            ).toBe(false);
            const n = which % proof.length;
            expect(
              verifyInclusion(
                index,
                size,
                leaf,
                proof.map((p, i) => (i === n ? flip(p, byte, bit) : p)),
                root,
              ).ok,
            ).toBe(false);
          }
          // Another size: a different root (or another proof length) — never this proof.
          if (size < hashes.length)
            expect(verifyInclusion(index, size + 1, leaf, proof, tree.root(size + 1)).ok).toBe(false);
        },
      ),
      fcParams(200),
    );
  });

  it('every consistency proof verifies; a changed old or new root, size or proof node fails', () => {
    fc.assert(
      fc.property(
        treeArb,
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.nat(31),
        fc.nat(7),
        ({ hashes, tree }, a, b, which, byte, bit) => {
          const to = 1 + (a % hashes.length);
          const from = 1 + (b % to);
          const proof = tree.consistencyProof(from, to);
          const r1 = tree.root(from);
          const r2 = tree.root(to);
          expect(verifyConsistency(from, to, r1, r2, proof)).toEqual({ ok: true });
          expect(verifyConsistency(from, to, flip(r1, byte, bit), r2, proof).ok).toBe(false);
          expect(verifyConsistency(from, to, r1, flip(r2, byte, bit), proof).ok).toBe(false);
          if (proof.length) {
            const n = which % proof.length;
            expect(
              verifyConsistency(
                from,
                to,
                r1,
                r2,
                proof.map((p, i) => (i === n ? flip(p, byte, bit) : p)),
              ).ok,
            ).toBe(false);
          }
          if (from < to) {
            // A rewritten history: the same old size with one leaf changed has another root, which the proof does not reach.
            const rewritten = hashes
              .slice(0, to)
              .map((h, i) => (i === which % from ? flip(h, byte, bit) : h));
            expect(verifyConsistency(from, to, mth(rewritten.slice(0, from)), r2, proof).ok).toBe(false);
            expect(verifyConsistency(from, to, r1, mth(rewritten), proof).ok).toBe(false);
            if (from > 1)
              expect(verifyConsistency(from - 1, to, tree.root(from - 1), r2, proof).ok).toBe(false);
          }
        },
      ),
      fcParams(200),
    );
  });
});
