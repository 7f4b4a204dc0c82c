import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  fromHex,
  leafHash,
  MerkleTree,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/shared/tlog';

/**
 * Known-answer vectors: the RFC 6962 test tree used by Certificate
 * Transparency, Go's tlog and transparency-dev/merkle (proof/verify_test.go):
 * eight leaves, the root of every prefix, and published inclusion and
 * consistency proofs.
 */
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(fromHex);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// [leaf index (0-based), tree size, proof]
const INCLUSION: Array<[number, number, string[]]> = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const CONSISTENCY: Array<[number, number, string[]]> = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

function referenceTree(): MerkleTree {
  const tree = new MerkleTree();
  for (const leaf of LEAVES) tree.append(leafHash(leaf));
  return tree;
}
const hx = (hashes: Uint8Array[]) => hashes.map(toHex);

describe('transparency log tree: known-answer vectors', () => {
  it('the empty tree hash is SHA-256 of the empty string', () => {
    expect(toHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(new MerkleTree().root())).toBe(toHex(EMPTY_ROOT));
  });

  it('the root of every prefix of the RFC 6962 test tree', () => {
    const tree = referenceTree();
    ROOTS.forEach((root, i) => expect(toHex(tree.root(i + 1)), `size ${i + 1}`).toBe(root));
  });

  it.each(INCLUSION)(
    'inclusion of leaf %i in a tree of %i: the published proof is produced and verifies',
    (index, size, proof) => {
      const tree = referenceTree();
      expect(hx(tree.inclusionProof(index, size))).toEqual(proof);
      expect(
        verifyInclusion(index, size, leafHash(LEAVES[index]!), proof.map(fromHex), fromHex(ROOTS[size - 1]!)),
      ).toEqual({ ok: true });
    },
  );

  it.each(CONSISTENCY)(
    'consistency %i → %i: the published proof is produced and verifies',
    (from, to, proof) => {
      const tree = referenceTree();
      expect(hx(tree.consistencyProof(from, to))).toEqual(proof);
      expect(
        verifyConsistency(from, to, fromHex(ROOTS[from - 1]!), fromHex(ROOTS[to - 1]!), proof.map(fromHex)),
      ).toEqual({ ok: true });
    },
  );

  it('corrupted proofs of the vectors fail, each with a reason (wrong index, size, leaf, root, a flipped bit, extra or missing hashes)', () => {
    const [index, size, proofHex] = INCLUSION[2]!;
    const proof = proofHex.map(fromHex);
    const leaf = leafHash(LEAVES[index]!);
    const root = fromHex(ROOTS[size - 1]!);
    const flipped = proof.map((p, i) => (i === 1 ? Uint8Array.from(p, (b, j) => (j === 0 ? b ^ 8 : b)) : p));
    const bad = [
      verifyInclusion(index - 1, size, leaf, proof, root),
      verifyInclusion(index + 1, size, leaf, proof, root),
      verifyInclusion(index, size * 2, leaf, proof, root),
      verifyInclusion(index, size / 2, leaf, proof, root),
      verifyInclusion(index, size, leafHash(LEAVES[0]!), proof, root),
      verifyInclusion(index, size, leaf, proof, EMPTY_ROOT),
      verifyInclusion(index, size, leaf, flipped, root),
      verifyInclusion(index, size, leaf, [...proof, root], root),
      verifyInclusion(index, size, leaf, proof.slice(0, -1), root),
    ];
    for (const b of bad) expect(b.ok).toBe(false);
    const [from, to, cHex] = CONSISTENCY[2]!;
    const c = cHex.map(fromHex);
    const r1 = fromHex(ROOTS[from - 1]!);
    const r2 = fromHex(ROOTS[to - 1]!);
    const cBad = [
      verifyConsistency(from - 1, to, r1, r2, c),
      verifyConsistency(from, to * 2, r1, r2, c),
      verifyConsistency(from, to, r2, r1, c),
      verifyConsistency(from, to, r1, r2, []),
      verifyConsistency(from, to, r1, r2, [...c, r1]),
      verifyConsistency(from, to, r1, r2, c.slice(1)),
      verifyConsistency(to, from, r2, r1, c),
      verifyConsistency(from, from, r1, r2, []),
    ];
    for (const b of cBad) expect(b.ok).toBe(false);
  });
});
