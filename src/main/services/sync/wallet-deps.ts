import type { CoopCatalogStore } from '../wallet/catalog-store';
import type { OutboxStore } from '../wallet/outbox-store';
import type { WalletStore } from '../wallet/wallet-store';

/**
 * The wallet domain's stores as the sync domain uses them, with just the methods it calls:
 * the tables they own (wallet, outbox, coop_plays, coop_tracks, coop_track_progress) are read
 * and written only through these. They run on the same Db as the sync's own tables, so a
 * method called inside a sync transaction (a push answer, a pull page, a finished download)
 * is part of it (better-sqlite3 nests their own transactions as savepoints of the outer one):
 * all of it commits, or none.
 */
export type SyncWallet = Pick<
  WalletStore,
  | 'applyServerState'
  | 'reset'
  | 'progress'
  | 'saveProgress'
  | 'playOfReceipt'
  | 'unsettledPlayCounts'
  | 'trackIdsWithProgress'
>;

/** The cached catalog, as the sync store fills and reads it. */
export type SyncCatalog = Pick<CoopCatalogStore, 'upsert' | 'get' | 'labels' | 'anyUnpublished'>;

/** The outbox, as the sync engine sends and answers its receipts. */
export type SyncOutbox = Pick<
  OutboxStore,
  'due' | 'countUnanswered' | 'markAnswered' | 'countRetry' | 'deferUntil' | 'devicesWithUnanswered'
>;

/** The catalog, as the downloads point its tracks at their files and label them. */
export type DownloadsCatalog = Pick<CoopCatalogStore, 'setLocalFile' | 'clearLocalFile' | 'labels'>;

/** What the sync store is given of the wallet domain (see SyncWallet for the transactions). */
export interface SyncWalletStores {
  wallet: SyncWallet;
  catalog: SyncCatalog;
  outbox: SyncOutbox;
}
