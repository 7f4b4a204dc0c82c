import type { Store } from '../db/connect';
import { afterCommit, type Tx } from '../db/transaction';

/**
 * Leaves that have committed, announced to this process's transparency log
 * (log.ts) with their indexes and hashes, so its tree takes them without
 * reading them back from the store. Only an optimisation: a leaf that is not
 * announced (another process wrote it; its transaction was not opened by
 * inTransaction) is read back as before.
 */
type Listener = (start: number, hashes: Buffer[]) => void;
const listeners = new WeakMap<Store, Set<Listener>>();

/** Subscribes to the leaves committed on `store`; answers the unsubscribe. */
export function onCommittedLeaves(store: Store, listener: Listener): () => void {
  let set = listeners.get(store);
  if (!set) listeners.set(store, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/** Once `tx` commits, tells the subscribers that leaves start, start + 1, … have these hashes. */
export function announceWhenCommitted(store: Store, tx: Tx, start: number, hashes: Buffer[]): void {
  const set = listeners.get(store);
  if (!set?.size) return;
  afterCommit(tx, () => {
    for (const listener of set) listener(start, hashes);
  });
}
