import type { Generated, Insertable, Selectable } from 'kysely';
import type { FreeReason as SharedFreeReason } from '../../shared/pricing';

/**
 * The server's tables, as Kysely sees them. Column names are snake_case as in
 * SQL. Every time is epoch milliseconds (an integer), every money amount an
 * integer: wallet balances and prices in thousandths of a credit, ledger
 * entries in ten-thousandths (so that 70 % of any price is exact).
 */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  wallets: WalletsTable;
  devices: DevicesTable;
  artists: ArtistsTable;
  artist_rightsholders: ArtistRightsholdersTable;
  releases: ReleasesTable;
  tracks: TracksTable;
  catalog_state: CatalogStateTable;
  transfers: TransfersTable;
  ledger_entries: LedgerEntriesTable;
  plays: PlaysTable;
  listener_tracks: ListenerTracksTable;
  seq_gaps: SeqGapsTable;
  voucher_batches: VoucherBatchesTable;
  vouchers: VouchersTable;
  server_secrets: ServerSecretsTable;
  uploads: UploadsTable;
  rate_limits: RateLimitsTable;
  sign_in_failures: SignInFailuresTable;
  grant_requests: GrantRequestsTable;
}

/** Failed sign-ins per account (`accounts/lockout.ts`); keyed by the SHA-256 of the normalised e-mail, known or not. */
export interface SignInFailuresTable {
  account_key: string;
  failures: number;
  /** Epoch ms before which a sign-in of this account is answered 429 (0: not locked). */
  locked_until: number;
  last_failure_at: number;
}

/** Idempotency keys of `POST /v1/admin/grants`: a resend answers the first result. */
export interface GrantRequestsTable {
  idempotency_key: string;
  /** SHA-256 of the request's content (user, amount, note): the same key with other content is a conflict. */
  content_hash: string;
  transfer_id: string;
  /** The wallet balance the first answer gave. */
  balance_after: number;
  created_at: number;
}

/** Fixed-window counters of the sign-in / sign-up rate limits (`http/rate-limit-store.ts`). */
export interface RateLimitsTable {
  key: string;
  window_start: number;
  count: number;
}

/** Random secrets made once by a migration, shared by every instance (e.g. the key of stable report pseudonyms). */
export interface ServerSecretsTable {
  name: string;
  value: string;
}

export type Role = 'listener' | 'artist' | 'admin';

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  role: Role;
  created_at: number;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  signed_out_at: number | null;
}

export interface WalletsTable {
  user_id: string;
  /** Thousandths. CHECK (balance >= 0). */
  balance: number;
  /** Sum of this listener's device allowances. CHECK (0 <= reserved <= balance). */
  reserved: number;
  /** Bumped on every change to the wallet or the listener's plays; the sync cursor. */
  version: number;
  /** The last settlement sequence number given to this listener's plays and purchases (under this row's lock). */
  settle_seq: Generated<number>;
}

export interface DevicesTable {
  id: string;
  user_id: string;
  name: string;
  /** The device's Ed25519 public key, as encoded by src/node/ed25519. */
  public_key: string;
  created_at: number;
  revoked_at: number | null;
  /** Highest receipt sequence number seen from this device (0: none yet). */
  last_seq: number;
  /** Offline allowance in thousandths, part of wallets.reserved. */
  allowance: number;
  /**
   * Set while a revoked or released device's allowance is frozen: kept
   * reserved for its receipts until then (revoked_at or the release, plus the
   * receipt age limit); null when the allowance is live or gone.
   */
  frozen_until: number | null;
  /** Set when the device released its allowance itself: the highest seq it had counted. */
  release_seq: number | null;
}

export interface ArtistsTable {
  id: string;
  name: string;
  /** Lower-cased name, unique: the import command finds artists by it. */
  name_key: string;
  created_at: number;
}

export interface ArtistRightsholdersTable {
  artist_id: string;
  user_id: string;
}

export type ReleaseStatus = 'draft' | 'published' | 'unpublished';

export interface ReleasesTable {
  id: string;
  artist_id: string;
  title: string;
  created_at: number;
  /**
   * draft: being uploaded, no tracks yet, seen by its rightsholders only;
   * published: in the catalog; unpublished: out of the catalog listing and
   * the sync pull, but its tracks, plays, ownership and earnings stay.
   */
  status: Generated<ReleaseStatus>;
  status_changed_at: number | null;
}

export type UploadState = 'receiving' | 'accepted' | 'rejected';

/** One audio file of a draft release, uploaded in chunks (tus-like). */
export interface UploadsTable {
  id: string;
  release_id: string;
  /** Who created it; any rightsholder of the release's artist may continue it. */
  user_id: string;
  file_name: string;
  title: string | null;
  track_number: number | null;
  track_status: TrackStatus;
  /** Declared size in bytes and SHA-256 (hex) of the whole file. */
  size: number;
  sha256: string;
  /** Bytes stored so far: the offset the next chunk must start at. */
  received: number;
  state: UploadState;
  reject_reason: string | null;
  /** From the server's own reading of the file once complete. */
  duration_ms: number | null;
  audio_path: string | null;
  audio_mime: string | null;
  /** The track made of it when the release was published. */
  track_id: string | null;
  created_at: number;
  updated_at: number;
}

export type TrackStatus = 'paid' | 'free';

export interface TracksTable {
  id: string;
  release_id: string;
  artist_id: string;
  title: string;
  track_number: number;
  duration_ms: number;
  /** Relative to the server's media folder; null when no audio was uploaded. */
  audio_path: string | null;
  audio_mime: string | null;
  status: TrackStatus;
  /** Lower-cased "title artist release", for search. */
  search_text: string;
  /** catalog_state.version when this track last changed; the catalog cursor. */
  version: number;
  created_at: number;
}

export interface CatalogStateTable {
  id: number;
  version: number;
}

/** `grant_reversal`: a credit grant taken back (credits/reverse-grant.ts, id `reversal:<grant id>`; migration 0013). */
export type TransferKind = 'grant' | 'grant_reversal' | 'voucher' | 'play' | 'buy_track' | 'buy_release';

export interface TransfersTable {
  id: string;
  kind: TransferKind;
  /** The listener whose wallet moved. */
  user_id: string;
  receipt_id: string | null;
  /** Client-chosen id of a purchase, unique per user: a resent purchase is not paid twice. */
  request_id: string | null;
  note: string | null;
  created_at: number;
  /** The listener's settlement sequence number of a purchase (and of a play's charge); null for grants and vouchers. */
  settle_seq: number | null;
}

export type AccountType = 'listener' | 'artist' | 'coop' | 'issuance';

export interface LedgerEntriesTable {
  id: Generated<number>;
  transfer_id: string;
  account_type: AccountType;
  /** User id (listener), artist id (artist), '' for the co-op and issuance accounts. */
  account_id: string;
  /** Ten-thousandths of a credit; positive = credit to the account. */
  amount: number;
  track_id: string | null;
  created_at: number;
}

export type PlayOutcome = 'paid' | 'free' | 'unpaid';
/** One spelling with the app: `src/shared/pricing.ts` (`freeReasonFor`). */
export type FreeReason = SharedFreeReason;

export interface PlaysTable {
  receipt_id: string;
  user_id: string;
  device_id: string;
  seq: number;
  track_id: string;
  artist_id: string;
  counted_at: number;
  heard_ms: number;
  /** SHA-256 of the receipt's canonical bytes: a resend must match it. */
  content_hash: string;
  outcome: PlayOutcome;
  free_reason: FreeReason | null;
  /** 1..9 for paid plays, null otherwise. */
  play_index: number | null;
  /** Thousandths; 0 unless paid. */
  price: number;
  settled_at: number;
  /**
   * The listener's settlement sequence number (1, 2, … per listener, plays and
   * purchases together), given under the wallet lock: the order the server
   * decided them in. Set on every row since migration 0006 (backfilled).
   */
  settle_seq: number | null;
  /**
   * The receipt exactly as signed (RFC 8785 JSON) and its base64url
   * signature: the earnings report gives them to artists to verify. Null
   * only for plays settled before migration 0002.
   */
  receipt_json: string | null;
  signature: string | null;
  /**
   * What was unusual about the receipt, settled anyway (comma-joined, null for
   * none): 'counted_in_future', 'too_old', 'seq_reused' (migration 0007).
   */
  anomaly: string | null;
  /** countedAt minus the server's time, for a 'counted_in_future' receipt; else null. */
  clock_skew_ms: number | null;
}

export interface ListenerTracksTable {
  user_id: string;
  track_id: string;
  paid_plays: number;
  total_plays: number;
  /** Thousandths paid for this track so far (plays and buy-the-rest), at most 1022. */
  paid_amount: number;
  owned_at: number | null;
  /** wallets.version of the change that last touched this row. */
  version: number;
}

export interface SeqGapsTable {
  device_id: string;
  /** The missing sequence numbers from_seq..to_seq, as seen when detected. */
  from_seq: number;
  to_seq: number;
  detected_at: number;
}

export interface VoucherBatchesTable {
  id: string;
  /** Thousandths per code. */
  value: number;
  count: number;
  note: string | null;
  created_by: string;
  created_at: number;
}

export interface VouchersTable {
  /** SHA-256 of the normalised code; codes themselves are shown once, never stored. */
  code_hash: string;
  batch_id: string;
  redeemed_by: string | null;
  redeemed_at: number | null;
}

export type UserRow = Selectable<UsersTable>;
export type TrackRow = Selectable<TracksTable>;
export type PlayRow = Selectable<PlaysTable>;
export type NewLedgerEntry = Insertable<LedgerEntriesTable>;
