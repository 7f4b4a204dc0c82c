import { EMPTY_ROOT, HASH_SIZE, nodeHash, type Hash, type NodeHasher } from './hash';

/** The largest power of two strictly below n (n >= 2). */
export function largestPowerOfTwoBelow(n: number): number {
  if (!(n >= 2)) throw new RangeError(`no power of two below ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * An append-only RFC 9162 Merkle tree held as every complete subtree hash,
 * level by level (level h holds the hashes of the aligned subtrees of 2^h
 * leaves). Appending is O(1) amortised; the root, inclusion and consistency
 * proofs of the tree at any size up to the current one are O(log² n) hashes
 * from these memoised nodes. Used by the server (its log) and by tests (a
 * reference prover, and cheating servers built on it).
 */
export class MerkleTree {
  private readonly levels: Uint8Array[] = [];
  private readonly counts: number[] = [];

  constructor(private readonly hash: NodeHasher = nodeHash) {}

  get size(): number {
    return this.counts[0] ?? 0;
  }

  append(leafHash: Hash): void {
    if (leafHash.length !== HASH_SIZE) throw new Error('a leaf hash is 32 bytes');
    let level = 0;
    let node = leafHash;
    for (;;) {
      this.push(level, node);
      const count = this.counts[level]!;
      if (count % 2 === 1) return;
      node = this.hash(this.node(level, count - 2), this.node(level, count - 1));
      level++;
    }
  }

  /** The hash of the complete subtree of 2^level leaves starting at leaf index × 2^level. */
  node(level: number, index: number): Hash {
    const count = this.counts[level] ?? 0;
    if (index < 0 || index >= count) throw new RangeError(`no complete node ${index} at level ${level}`);
    return this.levels[level]!.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  /** How many complete nodes level `level` has. */
  nodeCount(level: number): number {
    return this.counts[level] ?? 0;
  }

  leafHash(index: number): Hash {
    return this.node(0, index);
  }

  /** MTH(D[0:size]). */
  root(size = this.size): Hash {
    this.checkSize(size);
    return size === 0 ? EMPTY_ROOT : this.rangeHash(0, size);
  }

  /** RFC 9162 PATH(index, D[0:size]). */
  inclusionProof(index: number, size = this.size): Hash[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size)
      throw new RangeError(`leaf index ${index} is not below tree size ${size}`);
    const proof: Hash[] = [];
    let start = 0;
    let end = size;
    // Iterative PATH: collect siblings top-down, then reverse (the proof is bottom-up).
    while (end - start > 1) {
      const k = largestPowerOfTwoBelow(end - start);
      if (index < start + k) {
        proof.push(this.rangeHash(start + k, end));
        end = start + k;
      } else {
        proof.push(this.rangeHash(start, start + k));
        start += k;
      }
    }
    return proof.reverse();
  }

  /** RFC 9162 PROOF(from, D[0:to]); empty when from is 0 or equal to to. */
  consistencyProof(from: number, to = this.size): Hash[] {
    this.checkSize(to);
    if (!Number.isSafeInteger(from) || from < 0 || from > to)
      throw new RangeError(`sizes ${from} → ${to} go backwards`);
    if (from === 0 || from === to) return [];
    const proof: Hash[] = [];
    let m = from;
    let start = 0;
    let end = to;
    let whole = true;
    while (m !== end - start) {
      const k = largestPowerOfTwoBelow(end - start);
      if (m <= k) {
        proof.push(this.rangeHash(start + k, end));
        end = start + k;
      } else {
        proof.push(this.rangeHash(start, start + k));
        m -= k;
        start += k;
        whole = false;
      }
    }
    if (!whole) proof.push(this.rangeHash(start, end));
    return proof.reverse();
  }

  /** MTH(D[start:end]) for the ranges RFC 9162's recursion produces (start aligned to the largest power of two not above the width). */
  rangeHash(start: number, end: number): Hash {
    const n = end - start;
    if (n <= 0 || end > this.size)
      throw new RangeError(`no range [${start}, ${end}) in a tree of ${this.size}`);
    if ((n & (n - 1)) === 0 && n <= 2 ** 30) {
      const level = Math.log2(n);
      if (start % n !== 0) throw new RangeError(`range [${start}, ${end}) is not aligned`);
      return this.node(level, start / n);
    }
    const k = largestPowerOfTwoBelow(n);
    return this.hash(this.rangeHash(start, start + k), this.rangeHash(start + k, end));
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size)
      throw new RangeError(`tree size ${size} is not between 0 and ${this.size}`);
  }

  private push(level: number, hash: Hash): void {
    if (this.levels.length <= level) {
      this.levels.push(new Uint8Array(HASH_SIZE * 64));
      this.counts.push(0);
    }
    let buf = this.levels[level]!;
    const count = this.counts[level]!;
    if ((count + 1) * HASH_SIZE > buf.length) {
      const grown = new Uint8Array(buf.length * 2);
      grown.set(buf);
      this.levels[level] = buf = grown;
    }
    buf.set(hash, count * HASH_SIZE);
    this.counts[level] = count + 1;
  }
}

/** MTH of a list of leaf hashes, straight from RFC 9162's definition (for verifiers holding every leaf). */
export function rootOfLeafHashes(leafHashes: Hash[], hash: NodeHasher = nodeHash): Hash {
  const tree = new MerkleTree(hash);
  for (const h of leafHashes) tree.append(h);
  return tree.root();
}
