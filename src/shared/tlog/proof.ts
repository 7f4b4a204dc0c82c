import { equalBytes, HASH_SIZE, nodeHash, type Hash, type NodeHasher } from './hash';

/**
 * Verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2)
 * proofs. Each returns a result naming what failed rather than throwing, so a
 * caller can show it and keep the evidence.
 */
export type ProofCheck = { ok: true } | { ok: false; reason: string };

const fail = (reason: string): ProofCheck => ({ ok: false, reason });

function validSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** The root an inclusion proof leads to, or the reason it cannot lead anywhere. */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Hash,
  proof: Hash[],
  hash: NodeHasher = nodeHash,
): { ok: true; root: Hash } | { ok: false; reason: string } {
  if (!validSize(index) || !validSize(size))
    return { ok: false, reason: 'index and size must be non-negative integers' };
  if (index >= size) return { ok: false, reason: `leaf index ${index} is not below tree size ${size}` };
  if (leaf.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE))
    return { ok: false, reason: 'a hash is not 32 bytes' };
  // §2.1.3.2, with fn/sn as Numbers (sizes up to 2^53 - 1; division instead of bit shifts).
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return { ok: false, reason: 'the proof is longer than the tree is high' };
    if (fn % 2 === 1 || fn === sn) {
      r = hash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return { ok: false, reason: 'the proof is shorter than the tree is high' };
  return { ok: true, root: r };
}

export function verifyInclusion(
  index: number,
  size: number,
  leaf: Hash,
  proof: Hash[],
  root: Hash,
  hash: NodeHasher = nodeHash,
): ProofCheck {
  const got = rootFromInclusionProof(index, size, leaf, proof, hash);
  if (!got.ok) return got;
  return equalBytes(got.root, root) ? { ok: true } : fail('the proof leads to another root');
}

/** RFC 9162 §2.1.4.2: the tree of size `size2` with `root2` extends the tree of size `size1` with `root1`. */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Hash,
  root2: Hash,
  proof: Hash[],
  hash: NodeHasher = nodeHash,
): ProofCheck {
  if (!validSize(size1) || !validSize(size2)) return fail('sizes must be non-negative integers');
  if (size2 < size1) return fail(`the new size ${size2} is below the old size ${size1}`);
  if (proof.some((p) => p.length !== HASH_SIZE)) return fail('a hash is not 32 bytes');
  if (size1 === size2) {
    if (proof.length) return fail('equal sizes need an empty proof');
    return equalBytes(root1, root2) ? { ok: true } : fail('two different roots for the same size');
  }
  if (size1 === 0) return proof.length ? fail('from the empty tree the proof must be empty') : { ok: true };
  if (!proof.length) return fail('the proof is empty');
  let path = proof;
  // If size1 is a power of two, the old root is the first node of the path.
  if (isPowerOfTwo(size1)) path = [root1, ...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return fail('the proof is longer than needed');
    if (fn % 2 === 1 || fn === sn) {
      fr = hash(c, fr);
      sr = hash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return fail('the proof is shorter than needed');
  if (!equalBytes(fr, root1)) return fail('the proof does not lead to the old root');
  if (!equalBytes(sr, root2)) return fail('the proof does not lead to the new root');
  return { ok: true };
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}
