import { z } from 'zod';
import { call, event } from './define';

/**
 * The app's check of the co-op server's public transparency log
 * (docs/transparency-log.md, docs/sync.md "The public log"). After each sync
 * the main process verifies, against a checkpoint whose signature it
 * verified with the pinned log key, that every settled play of this device
 * is in the log, and that the log only grew since the checkpoint it kept.
 * A failure is kept with both signed checkpoints as evidence and shown as a
 * warning; offline, nothing is shown as verified that was not.
 */

const epochMs = z.number().int();
const size = z.number().int().min(0);

export const tlogFailureKindSchema = z.enum([
  'bad_signature', // a checkpoint whose log signature does not verify (or a malformed note)
  'wrong_origin', // a checkpoint of another log than the pinned one
  'rollback', // a checkpoint smaller than one the app already verified
  'split_view', // two checkpoints of one size with different roots (or from another listener that cannot be consistent)
  'inconsistent', // a later checkpoint whose consistency proof from the kept one does not verify
  'missing_leaf', // a settled play of this device that the log does not have
  'bad_proof', // an inclusion proof that does not lead to the checkpoint's root
  'wrong_leaf', // the log's leaf for a play says something else than the server answered (price, outcome, receipt)
]);
export type TlogFailureKind = z.infer<typeof tlogFailureKindSchema>;

export const tlogFailureSchema = z.object({
  id: z.number().int(),
  kind: tlogFailureKindSchema,
  /** In words, for the warning. */
  message: z.string(),
  atMs: epochMs,
  receiptId: z.string().nullable(),
  leafIndex: z.number().int().min(0).nullable(),
});
export type TlogFailure = z.infer<typeof tlogFailureSchema>;

export const tlogStateSchema = z.enum([
  'unchecked', // not signed in, or no check has run yet for this server
  'verified', // the last check verified the checkpoint and every play it could
  'warning', // a check failed at least once on this server: see failures
  'offline', // the last check could not reach the log: nothing new was verified
  'unavailable', // the server publishes no log
  'awaiting_witnesses', // the latest checkpoint lacks the required witness cosignatures
]);
export type TlogState = z.infer<typeof tlogStateSchema>;

export const tlogStatusSchema = z.object({
  state: tlogStateSchema,
  /** The server the status is for. */
  serverKey: z.string().nullable(),
  /** The pinned (or configured) log key, signed-note vkey. */
  logKey: z.string().nullable(),
  /** The latest checkpoint the app verified and keeps. */
  checkpoint: z
    .object({
      origin: z.string(),
      size,
      rootHex: z.string(),
      verifiedAtMs: epochMs,
      /** The signed note as served (give it to another listener to compare: `tlog.compare`). */
      note: z.string(),
      /** Witness cosignature lines on the note (any key) and how many verify under configured witness keys. */
      cosignatures: z.number().int().min(0),
      knownWitnessCosignatures: z.number().int().min(0),
    })
    .nullable(),
  requiredWitnesses: z.number().int().min(0),
  witnesses: z.array(z.string()),
  lastCheckAtMs: epochMs.nullable(),
  /** Why the last check stopped short (offline, no log), in words; null after a complete check. */
  lastError: z.string().nullable(),
  /** This device's settled plays on this server: proven in the log, and not (yet). */
  inLog: z.number().int().min(0),
  pending: z.number().int().min(0),
  failures: z.array(tlogFailureSchema),
});
export type TlogStatus = z.infer<typeof tlogStatusSchema>;

export const tlogPlayStateSchema = z.enum([
  'in_log', // an inclusion proof verified against a verified checkpoint
  'pending', // not settled yet, or not checked yet (e.g. offline)
  'failed', // the log does not have it, or its proof or leaf was wrong: see failures
  'predates_log', // settled before this app first saw the server's log, and not in it
]);

export const tlogPlaySchema = z.object({
  receiptId: z.string(),
  state: tlogPlayStateSchema,
  leafIndex: z.number().int().min(0).nullable(),
  /** The size of the checkpoint the proof was verified against. */
  checkpointSize: size.nullable(),
});
export type TlogPlay = z.infer<typeof tlogPlaySchema>;

const vkey = z.string().min(1).max(400);

export const tlogCalls = {
  'tlog.status': call(
    "The public log check's state for the server in use: checkpoint, witnesses, plays in the log, failures.",
    z.object({}).strict(),
    tlogStatusSchema,
  ),
  'tlog.check': call(
    'Checks the public log now (as after a sync): checkpoint signature, consistency, every settled play.',
    z.object({}).strict(),
    tlogStatusSchema,
  ),
  'tlog.plays': call(
    'Whether each of these plays (by receipt id) is in the public log, with its leaf index.',
    z.object({ receiptIds: z.array(z.string().min(1).max(200)).max(500) }).strict(),
    z.object({ plays: z.array(tlogPlaySchema) }),
  ),
  'tlog.compare': call(
    "Compares another listener's (or a witness's) signed checkpoint with this app's: a split view is kept as a failure with both notes.",
    z
      .object({
        checkpoint: z
          .string()
          .min(1)
          .max(64 * 1024),
      })
      .strict(),
    tlogStatusSchema,
  ),
  'tlog.configure': call(
    'Sets the log key to trust (null: pin on first contact), the witness keys known, and how many must cosign.',
    z
      .object({
        logKey: vkey.nullable().optional(),
        witnesses: z.array(vkey).max(32).optional(),
        requiredWitnesses: z.number().int().min(0).max(32).optional(),
      })
      .strict(),
    tlogStatusSchema,
  ),
  'tlog.exportEvidence': call(
    'Writes every failure with both signed checkpoints and the proofs to a JSON file in the data folder; answers its path.',
    z.object({}).strict(),
    z.object({ path: z.string(), failures: z.number().int().min(0) }),
  ),
} as const;

export const tlogEvents = {
  'tlog.changed': event('The public log check ran or its configuration changed.', tlogStatusSchema),
} as const;
