import type { WalletSummary } from '../../../shared/contract/wallet';
import type { Clock } from '../core/clock';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import type { Db } from '../db/database';
import type { GuardLimits, ListeningGuard } from '../playback/listening-guard';
import type { CoopCatalogStore } from '../wallet/catalog-store';
import type { DeviceIdentity, KeyProtector } from '../wallet/device-identity';
import type { OutboxStore } from '../wallet/outbox-store';
import type { PlayRecorderHooks } from '../wallet/play-recorder';
import type { PreviewLedger } from '../wallet/preview-ledger';
import type { ServerClock } from '../wallet/server-clock';
import type { WalletStore } from '../wallet/wallet-store';

/** What stream to own needs from the library to play the user's own files (the library domain provides it). */
export interface LocalTrackSource {
  getPlayableFile(trackId: number): { path: string; durationMs: number } | null;
  recordLocalPlay(trackId: number, atMs: number): unknown;
}

export interface Stream2OwnDeps {
  db: Db;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  events: EventHub;
  /** The host's URL for a media path (`HostAdapter.mediaUrl`). */
  mediaUrl(mediaPath: string): string;
  /** The library, for `player.open({ source: 'local' })`; null where there is none. */
  local: LocalTrackSource | null;
  /** Electron's safeStorage wrapper, where available; else the key file is plain (mode 0600). */
  keyProtector?: KeyProtector;
  /** Below this spendable amount the header warns (default 100 = 0.100 credits). */
  lowBalanceThresholdThousandths?: number;
  guardLimits?: Partial<GuardLimits>;
  /** Tests: crash inside the charge transaction. */
  recorderHooks?: PlayRecorderHooks;
}

export const DEFAULT_LOW_BALANCE_THOUSANDTHS = 100;

/** The account using the wallet (the sync domain binds it): the server in use and the signed-in listener. */
export interface WalletAccount {
  serverKey: string | null;
  userId: string | null;
}

/** Why a non-owner can no longer play an unpublished track. */
export const UNPUBLISHED_MESSAGE =
  'The artist has unpublished this track; only listeners who own it can still play it.';

/**
 * The stores and services the domain's calls share, built once by
 * `createStream2OwnDomain`; each call is a function of these parts.
 */
export interface Stream2OwnParts {
  deps: Stream2OwnDeps;
  log: Logger;
  catalog: CoopCatalogStore;
  wallet: WalletStore;
  outbox: OutboxStore;
  serverClock: ServerClock;
  previews: PreviewLedger;
  /** The signed-in listener ('' when none): the preview window is kept per listener. */
  listener(): string;
  /** The device identity that signs new receipts now. */
  identity(): DeviceIdentity;
  lowBalanceThreshold: number;
}

/** Parts plus the guard (built after the counting callback it calls). */
export interface GuardedParts extends Stream2OwnParts {
  guard: ListeningGuard;
}

/** The header's wallet: balances, the low-balance warning, unsent receipts, this device. */
export function walletSummary(p: Stream2OwnParts): WalletSummary {
  const b = p.wallet.balances();
  return {
    ...b,
    lowBalance: b.spendableThousandths < p.lowBalanceThreshold,
    lowBalanceThresholdThousandths: p.lowBalanceThreshold,
    unsentReceipts: p.outbox.countUnanswered(),
    deviceId: p.identity().deviceId,
  };
}

/** Events must never undo a committed charge: a bad payload is logged, not thrown into the guard. */
export function emitSafely(p: Stream2OwnParts, emit: () => void): void {
  try {
    emit();
  } catch (error) {
    p.log.error({ err: error }, 'could not emit a stream-to-own event');
  }
}
