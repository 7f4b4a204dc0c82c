import {
  hashLeafText,
  parseLeaf,
  rootOfLeafHashes,
  toHex,
  verifyCheckpoint,
  type LogLeaf,
} from '../../../src/shared/tlog';
import type { StoreTarget } from '../server/harness';
import { openStoreReader } from '../server/ledger-invariants';

/**
 * The transparency log's invariants, checked with plain SQL on a store (a
 * second connection) after a run, and against the latest checkpoint a server
 * published: leaf indexes dense and unique; every settled play has exactly
 * one leaf that says what the plays table says; one leaf per track bought and
 * per grant or voucher; every leaf hash is H(0x00 || leaf); the root of all
 * leaves is the signed checkpoint's. An empty list: all hold.
 */
export async function checkLogInvariants(
  store: StoreTarget,
  latest?: { note: string; vkey: string },
): Promise<string[]> {
  const { query, done } = await openStoreReader(store);
  const problems: string[] = [];
  try {
    const leaves = (await query(
      'SELECT idx, leaf_hash, leaf, receipt_id FROM tlog_leaves ORDER BY idx',
    )) as Array<{ idx: number; leaf_hash: Uint8Array; leaf: string; receipt_id: string | null }>;
    const [state] = await query('SELECT size FROM tlog_state');
    if (state.size !== leaves.length)
      problems.push(`the sequencer says ${state.size} leaves, the table holds ${leaves.length}`);
    leaves.forEach((l, i) => {
      if (Number(l.idx) !== i) problems.push(`leaf index ${l.idx} at position ${i}: not dense`);
      if (toHex(hashLeafText(l.leaf)) !== toHex(new Uint8Array(l.leaf_hash)))
        problems.push(`leaf ${l.idx}: stored hash is not H(0x00 || leaf)`);
    });
    const parsed = new Map<number, LogLeaf>();
    for (const l of leaves) {
      const p = parseLeaf(l.leaf);
      if (!p.ok) problems.push(`leaf ${l.idx} is not a valid leaf: ${p.problems.join('; ')}`);
      else parsed.set(Number(l.idx), p.leaf);
    }
    const byReceipt = new Map(leaves.filter((l) => l.receipt_id).map((l) => [l.receipt_id!, l]));
    const plays = await query(
      'SELECT receipt_id, content_hash, outcome, play_index, price, settle_seq, settled_at, track_id, artist_id FROM plays',
    );
    for (const p of plays) {
      const l = byReceipt.get(p.receipt_id);
      if (!l) {
        problems.push(`settled play ${p.receipt_id} has no leaf`);
        continue;
      }
      const leaf = parsed.get(Number(l.idx));
      if (!leaf) continue;
      const want = {
        kind: 'play',
        event: p.content_hash,
        outcome: p.outcome,
        playIndex: p.play_index ?? null,
        price: Number(p.price),
        seq: Number(p.settle_seq),
        time: Number(p.settled_at),
        track: p.track_id,
        artist: p.artist_id,
      };
      const got = {
        kind: leaf.kind,
        event: leaf.event,
        outcome: leaf.outcome,
        playIndex: leaf.playIndex,
        price: leaf.price,
        seq: leaf.seq,
        time: leaf.time,
        track: leaf.track,
        artist: leaf.artist,
      };
      if (JSON.stringify(want) !== JSON.stringify(got))
        problems.push(
          `leaf ${l.idx} differs from play ${p.receipt_id}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`,
        );
    }
    const playLeaves = [...parsed.values()].filter((l) => l.kind === 'play').length;
    if (playLeaves !== plays.length)
      problems.push(`${playLeaves} play leaves for ${plays.length} settled plays`);
    const [bought] = await query(
      `SELECT COUNT(*) AS n FROM ledger_entries e JOIN transfers t ON t.id = e.transfer_id WHERE t.kind IN ('buy_track', 'buy_release') AND e.account_type = 'listener'`,
    );
    const purchaseLeaves = [...parsed.values()].filter((l) => l.kind === 'purchase').length;
    if (purchaseLeaves !== Number(bought.n))
      problems.push(`${purchaseLeaves} purchase leaves for ${bought.n} tracks bought`);
    const [credits] = await query(
      `SELECT COUNT(*) AS n FROM transfers WHERE kind IN ('grant', 'voucher', 'grant_reversal')`,
    );
    const creditLeaves = [...parsed.values()].filter(
      // A grant reversal (a transfer of kind grant_reversal) has a correction leaf.
      (l) => l.kind === 'grant' || l.kind === 'voucher' || l.kind === 'correction',
    ).length;
    if (creditLeaves !== Number(credits.n))
      problems.push(`${creditLeaves} credit leaves for ${credits.n} grants and vouchers`);
    if (latest) {
      const verdict = verifyCheckpoint(latest.note, latest.vkey);
      if (!verdict.ok) problems.push(`the latest checkpoint does not verify: ${verdict.reason}`);
      else {
        if (verdict.checkpoint.size !== leaves.length)
          problems.push(`the latest checkpoint covers ${verdict.checkpoint.size} of ${leaves.length} leaves`);
        const root = rootOfLeafHashes(
          leaves.slice(0, verdict.checkpoint.size).map((l) => new Uint8Array(l.leaf_hash)),
        );
        if (toHex(root) !== toHex(verdict.checkpoint.root))
          problems.push('the root recomputed from the leaves is not the signed checkpoint root');
      }
    }
  } finally {
    await done();
  }
  return problems;
}
