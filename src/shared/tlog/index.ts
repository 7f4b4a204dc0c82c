/** The transparency log's pure code: tree math, proofs, leaves, signed notes, tiles (docs/transparency-log.md). */
export * from './hash';
export * from './proof';
export * from './tree';
export * from './leaf';
export * from './note';
export * from './tiles';
