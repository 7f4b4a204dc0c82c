import { PAID_PLAYS_TO_OWN } from '../../shared/pricing';
import type { FreeReason, ListenerTracksTable, PlayOutcome, PlayRow, TracksTable } from '../db/schema';
import type { Selectable } from 'kysely';
import type { Wallet } from './allowances';
import type { Rejection, RejectReason, VerifiedReceipt } from './verify';

/** The answer for one receipt of a batch, in request order. */
export type ReceiptResult =
  | {
      index: number;
      id: string;
      status: 'settled';
      /** True when this receipt was settled before: the original answer, unchanged. */
      duplicate: boolean;
      outcome: PlayOutcome;
      freeReason: FreeReason | null;
      playIndex: number | null;
      priceThousandths: number;
      /** The track is owned once this play is settled. */
      owned: boolean;
    }
  | {
      index: number;
      id: string | null;
      status: 'rejected';
      reason: BatchRejectReason;
      message: string;
      issues?: Rejection['issues'];
    };

/**
 * Every reason is final except `retry_later`: an unexpected error while
 * deciding that one receipt (a bug, not the receipt's fault); the device
 * keeps it and sends it again, and the rest of its batch is settled.
 */
export type BatchRejectReason = RejectReason | 'retry_later';

export interface BatchAnswer {
  results: ReceiptResult[];
  wallet: { balanceThousandths: number; reservedThousandths: number; version: number };
  /** The allowance of the posting device after this batch (renewed). */
  allowanceThousandths: number;
}

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
