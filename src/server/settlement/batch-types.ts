import { PAID_PLAYS_TO_OWN } from '../../shared/pricing';
import type { ListenerTracksTable, PlayRow, TracksTable } from '../db/schema';
import type { Selectable } from 'kysely';
import type { z } from 'zod';
import type {
  receiptsAnswerSchema,
  rejectedResultSchema,
  settledResultSchema,
} from '../../shared/server-api/answers';
import type { Wallet } from './allowances';
import type { RejectReason, VerifiedReceipt } from './verify';

/**
 * The answer for one receipt of a batch, in request order: the wire
 * contract's (src/shared/server-api), with the reason narrowed to those this
 * server gives (the app keeps any text a later server may add).
 */
export type ReceiptResult =
  | z.infer<typeof settledResultSchema>
  | (Omit<z.infer<typeof rejectedResultSchema>, 'reason'> & { reason: BatchRejectReason });

/**
 * Every reason is final except `retry_later`: an unexpected error while
 * deciding that one receipt (a bug, not the receipt's fault); the device
 * keeps it and sends it again, and the rest of its batch is settled.
 */
export type BatchRejectReason = RejectReason | 'retry_later';

/** The batch's answer (the wire contract's); `allowanceThousandths` is the posting device's after this batch (renewed). */
export type BatchAnswer = Omit<z.infer<typeof receiptsAnswerSchema>, 'results'> & {
  results: ReceiptResult[];
};

/** A receipt that passed parsing and the device check, with its signature verdict. */
export interface Candidate extends VerifiedReceipt {
  /** Position in the request. */
  index: number;
  signatureValid: boolean;
}

export interface LoadedDevice {
  id: string;
  revoked_at: number | null;
  allowance: number;
  last_seq: number;
  frozen_until: number | null;
  release_seq: number | null;
}

export type SettledPlay = Pick<
  PlayRow,
  'receipt_id' | 'user_id' | 'content_hash' | 'outcome' | 'free_reason' | 'play_index' | 'price'
>;
export type ListenerTrack = Selectable<ListenerTracksTable>;
export type LoadedTrack = Pick<Selectable<TracksTable>, 'id' | 'artist_id' | 'duration_ms' | 'status'>;

/** What the lock-and-load stage read, under the listener's wallet lock: all the pricing stage needs. */
export interface LoadedState {
  userId: string;
  /** The server's time, read after taking the lock. */
  now: number;
  wallet: Wallet;
  /** All of the listener's devices. */
  devices: LoadedDevice[];
  /** Plays already settled under the candidates' receipt ids. */
  existing: SettledPlay[];
  /** (device, seq) pairs of the candidates already used by settled plays. */
  usedSeqs: Array<{ device_id: string; seq: number }>;
  tracks: LoadedTrack[];
  /** Artists the listener is a rightsholder of. */
  ownArtists: string[];
  listenerTracks: ListenerTrack[];
  /** For released devices with a frozen allowance: how many distinct seqs ≤ release_seq have arrived. */
  releasedSeqCounts: Array<{ device_id: string; count: number }>;
}

export function settledResult(index: number, row: SettledPlay, duplicate: boolean): ReceiptResult {
  return {
    index,
    id: row.receipt_id,
    status: 'settled',
    duplicate,
    outcome: row.outcome,
    freeReason: row.free_reason,
    playIndex: row.play_index,
    priceThousandths: row.price,
    owned: row.play_index === PAID_PLAYS_TO_OWN || row.free_reason === 'owned',
  };
}
