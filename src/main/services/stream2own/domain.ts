import type { playerCalls } from '../../../shared/contract/player';
import type { walletCalls } from '../../../shared/contract/wallet';
import type { CallHandlers } from '../core/dispatcher';
import { ListeningGuard } from '../playback/listening-guard';
import { CoopCatalogStore } from '../wallet/catalog-store';
import { loadOrCreateDeviceIdentity, type DeviceIdentity } from '../wallet/device-identity';
import { OutboxStore } from '../wallet/outbox-store';
import { createPlayRecorder } from '../wallet/play-recorder';
import { PreviewLedger } from '../wallet/preview-ledger';
import { ServerClock } from '../wallet/server-clock';
import { WalletStore, type WalletOwner } from '../wallet/wallet-store';
import { onCounted } from './counting';
import { coopFile, mediaLimit } from './media-limit';
import { openCoop, openLocal } from './open-track';
import {
  DEFAULT_LOW_BALANCE_THOUSANDTHS,
  emitSafely,
  walletSummary,
  type GuardedParts,
  type Stream2OwnDeps,
  type Stream2OwnParts,
  type WalletAccount,
} from './parts';
import { coopTracks, walletCollection } from './wallet-calls';

export { PREVIEW_MEDIA_HEADER_BYTES, PREVIEW_MEDIA_MARGIN_MS } from './media-limit';
export {
  DEFAULT_LOW_BALANCE_THOUSANDTHS,
  UNPUBLISHED_MESSAGE,
  type LocalTrackSource,
  type Stream2OwnDeps,
  type WalletAccount,
} from './parts';

/**
 * Stream to own, wired: the listening guard, the wallet, the outbox and the
 * handlers for the `player.*`, `wallet.*` and `coop.*` calls. The app (and
 * tests) build it with `createStream2OwnDomain` and spread its handlers.
 *
 * Each call is its own function of the domain's parts (`parts.ts`):
 * `open-track.ts`, `counting.ts`, `media-limit.ts`, `wallet-calls.ts`; this
 * factory builds the parts once and wires them (docs/architecture.md, "Handlers").
 */

export type Stream2OwnCallName = keyof typeof playerCalls | keyof typeof walletCalls;
export type Stream2OwnHandlers = Pick<CallHandlers, Stream2OwnCallName>;

function deviceIdentity(deps: Stream2OwnDeps, log: Stream2OwnParts['log'], forceNew = false): DeviceIdentity {
  return loadOrCreateDeviceIdentity({
    db: deps.db,
    dataDir: deps.dataDir,
    clock: deps.clock,
    protector: deps.keyProtector,
    log,
    ...(forceNew ? { forceNew } : {}),
  });
}

function handlersOf(p: GuardedParts): Stream2OwnHandlers {
  return {
    'player.open': ({ source, trackId }) =>
      source === 'local' ? openLocal(p, trackId) : openCoop(p, trackId, false),
    'player.report': (report) => p.guard.report(report),
    'player.close': ({ sessionId }) => ({ closed: p.guard.close(sessionId) }),
    'wallet.get': () => walletSummary(p),
    'wallet.history': ({ limit, beforeId }) => p.wallet.history({ limit, beforeId }),
    'wallet.collection': () => walletCollection(p),
    'coop.tracks': (input) => coopTracks(p, input),
  };
}

/** What changes after the parts are built: the account the sync domain binds, the identity a device reset replaces. */
interface Binding {
  /** Null until the sync domain binds the account (stream to own alone: one anonymous wallet). */
  account: (() => WalletAccount) | null;
  identity: DeviceIdentity;
}

/** The listening guard, counting each play through the recorder; stamps are in the server's time as learned at the last sync. */
function listeningGuard(parts: Stream2OwnParts, binding: Binding): ListeningGuard {
  const { deps } = parts;
  const recorder = createPlayRecorder({
    db: deps.db,
    catalog: parts.catalog,
    wallet: parts.wallet,
    identity: () => binding.identity,
    hooks: deps.recorderHooks,
  });
  return new ListeningGuard({
    clock: parts.serverClock.corrected(),
    log: parts.log,
    onCounted: (play) => onCounted(parts, recorder, play),
    limits: deps.guardLimits,
    onHeard: (session) => {
      if (session.source === 'coop')
        parts.previews.record(parts.listener(), session.trackId, session.heardMs, parts.serverClock.nowMs());
    },
  });
}

/** Builds the parts once: the stores on deps.db, the wallet owned by the bound account and this device, the guard. */
function buildParts(deps: Stream2OwnDeps, log: Stream2OwnParts['log'], binding: Binding): GuardedParts {
  const owner = (): WalletOwner | null =>
    binding.account ? { ...binding.account(), deviceId: binding.identity.deviceId } : null;
  const parts: Stream2OwnParts = {
    deps,
    log,
    catalog: new CoopCatalogStore(deps.db, deps.clock),
    wallet: new WalletStore(deps.db, owner),
    outbox: new OutboxStore(deps.db),
    serverClock: new ServerClock(deps.db, deps.clock),
    previews: new PreviewLedger(deps.db),
    listener: () => binding.account?.().userId ?? '',
    identity: () => binding.identity,
    lowBalanceThreshold: deps.lowBalanceThresholdThousandths ?? DEFAULT_LOW_BALANCE_THOUSANDTHS,
  };
  return { ...parts, guard: listeningGuard(parts, binding) };
}

export function createStream2OwnDomain(deps: Stream2OwnDeps) {
  const log = deps.logger.child({ domain: 'stream2own' });
  const binding: Binding = { account: null, identity: deviceIdentity(deps, log) };
  const p = buildParts(deps, log, binding);
  const { guard, catalog, wallet } = p;
  const summary = () => walletSummary(p);

  return {
    handlers: handlersOf(p),
    guard,
    catalog,
    wallet,
    outbox: p.outbox,
    summary,
    /** The device identity that signs new receipts. */
    identity: () => ({ deviceId: binding.identity.deviceId, publicKey: binding.identity.publicKey }),
    /** `player.open` of a co-op track the server streams (not downloaded): the sync domain checked it can. */
    openCoopStream: (trackId: string) => openCoop(p, trackId, true),
    /** Whether `sessionId` is the live session of co-op track `trackId` (the media path may serve it). */
    coopSessionLive(trackId: string, sessionId: string): boolean {
      const live = guard.liveSession(sessionId);
      return Boolean(live && live.source === 'coop' && live.trackId === trackId);
    },
    /** For the `track` media resolver: the co-op file of the live session, with a preview's byte cap. */
    coopFile: (trackId: string, sessionId: string) => coopFile(p, trackId, sessionId),
    /** The byte cap for the live session of a streamed co-op track (null: none); `sizeBytes` null when not known yet. */
    coopMediaLimit: (trackId: string, sizeBytes: number | null) => mediaLimit(p, trackId, null, sizeBytes),
    /** The server's time as learned at the last sync (receipts are stamped with it). */
    serverClock: p.serverClock,
    /**
     * Binds the wallet to an account (the sync domain does, once): the wallet
     * row is spendable only for the server, listener and device identity it
     * came from, and the preview window is kept per listener.
     */
    bindAccount(current: () => WalletAccount): void {
      binding.account = current;
    },
    /** The sync engine's entry: a new balance from the server, and the charges it settled. */
    applyServerState(state: Parameters<WalletStore['applyServerState']>[0]): void {
      wallet.applyServerState(state);
      emitSafely(p, () => deps.events.emit('wallet.changed', summary()));
    },
    /** Makes a new device identity now (e.g. the user reset the device). Unsent receipts stay as they are. */
    rotateIdentity(): void {
      binding.identity = deviceIdentity(deps, log, true);
      // The old device's allowance is not the new one's; until a sync brings it nothing is spendable (the row names the old device).
      wallet.forgetAllowance();
      emitSafely(p, () => deps.events.emit('wallet.changed', summary()));
    },
  };
}

export type Stream2OwnDomain = ReturnType<typeof createStream2OwnDomain>;
