import type { Generated } from 'kysely';
import type { FreeReason } from '../../../shared/pricing';

/**
 * The wallet (stream to own) domain's tables in the local cache, as
 * src/main/services/wallet/migrations.ts creates them (stream2own-001 … 005).
 * SQLite storage types: INTEGER → number, TEXT → string, nullable → `| null`;
 * booleans are INTEGER 0/1. A TEXT column whose CHECK allows only a few values
 * is typed as those values. Money columns carry their unit in their names:
 * thousandths of a credit (`*_thousandths`), earnings in ten-thousandths
 * (`*_ten_thousandths`). `Generated<…>` marks a column SQLite fills when an
 * insert leaves it out (a DEFAULT, or the rowid of an INTEGER PRIMARY KEY): it
 * reads as its type and may be left out of an insert. Kysely types every query
 * of this domain from these.
 */

/** The co-op catalog as cached on this device; the sync engine fills it. */
export interface CoopTracksTable {
  id: string;
  title: string;
  artist: string;
  album: string | null;
  /** > 0 (CHECK). */
  duration_ms: number;
  status: 'paid' | 'free';
  rightsholder: string;
  /** 0/1 */
  is_own: Generated<number>;
  local_file: string | null;
  updated_at: number;
  /** 0/1 (stream2own-002; default 1). */
  published: Generated<number>;
}

/** This listener's stream-to-own progress per co-op track; money state, apart from the catalog. */
export interface CoopTrackProgressTable {
  track_id: string;
  /** 0…9; 9 only when owned (CHECK). */
  paid_plays: Generated<number>;
  /** 0/1 */
  owned: Generated<number>;
  owned_at: number | null;
  counted_plays: Generated<number>;
  previews: Generated<number>;
}

/** One row (id = 1): the balance as last known from the server, the offline allowance, and whose they are. */
export interface WalletTable {
  id: number;
  /** ≥ 0 (CHECK). */
  balance_thousandths: Generated<number>;
  balance_as_of: number | null;
  /** ≥ 0 (CHECK) when set. */
  allowance_thousandths: number | null;
  server_key: string | null;
  user_id: string | null;
  device_id: string | null;
}

/** Every device identity this install has had; the current one has retired_at NULL. */
export interface DevicesTable {
  id: string;
  public_key: string;
  created_at: number;
  retired_at: number | null;
  /** ≥ 1 (CHECK). */
  next_seq: Generated<number>;
}

/** Signed play receipts, kept byte for byte until the server has answered them. */
export interface OutboxTable {
  id: string;
  device_id: string;
  seq: number;
  canonical_json: string;
  signature: string;
  created_at: number;
  last_sent_at: number | null;
  answered_at: number | null;
  /** The server's answer, as JSON. */
  answer: string | null;
  attempts: Generated<number>;
  next_attempt_at: number | null;
  last_reason: string | null;
}

/** History: every counted play of a co-op track (and every preview), with its charge. */
export interface CoopPlaysTable {
  id: Generated<number>;
  session_id: string;
  track_id: string;
  outcome: 'charged' | 'free' | 'preview';
  /** Set exactly when outcome = 'free' (CHECK); spelled as stream2own-004 left it. */
  free_reason: FreeReason | null;
  /** 1…9 */
  paid_play_number: number | null;
  price_thousandths: number;
  /** 0 unless outcome = 'charged' (CHECK). */
  charge_thousandths: number;
  /** artist + coop = charge × 10 (CHECK). */
  artist_ten_thousandths: number;
  coop_ten_thousandths: number;
  heard_ms: number;
  session_started_at: number;
  counted_at: number;
  /** NULL exactly for a preview (CHECK). */
  receipt_id: string | null;
  settled_at: number | null;
  /** server_key + "\n" + user_id of the listener (stream2own-005); NULL: signed out. */
  listener_key: string | null;
}

/** One row (id = 1): the server's clock offset as last learned. */
export interface ServerClockTable {
  id: number;
  offset_ms: Generated<number>;
  learned_at: number | null;
  server_key: string | null;
}

/** Heard time of an uncounted track per listener, for one 24 h window. */
export interface CoopPreviewHeardTable {
  listener: string;
  track_id: string;
  heard_ms: number;
  window_started_at: number;
  updated_at: number;
}

export interface WalletTables {
  coop_tracks: CoopTracksTable;
  coop_track_progress: CoopTrackProgressTable;
  wallet: WalletTable;
  devices: DevicesTable;
  outbox: OutboxTable;
  coop_plays: CoopPlaysTable;
  server_clock: ServerClockTable;
  coop_preview_heard: CoopPreviewHeardTable;
}
