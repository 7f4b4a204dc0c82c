import { existsSync, statSync } from 'node:fs';
import type { CallOutput } from '../../../shared/contract';
import { CallError } from '../../../shared/contract/define';
import type { playerCalls, PlayCounted } from '../../../shared/contract/player';
import type { CoopTrack, walletCalls, WalletSummary } from '../../../shared/contract/wallet';
import { COUNT_THRESHOLD_MS, remainingToOwnThousandths } from '../../../shared/pricing';
import type { Clock } from '../core/clock';
import type { CallHandlers } from '../core/dispatcher';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import type { Db } from '../db/database';
import { contentTypeFor, type MediaFile } from '../media/media-router';
import { coopTrackMediaPath, localTrackMediaPath } from '../media/track-media';
import { ListeningGuard, type GuardLimits } from '../playback/listening-guard';
import type { CountDecision, CountedPlay } from '../playback/types';
import { CoopCatalogStore, isVisibleTrack, type CoopTrackWithProgress } from './../wallet/catalog-store';
import { stream2OwnState } from '../wallet/charge-rules';
import {
  loadOrCreateDeviceIdentity,
  type DeviceIdentity,
  type KeyProtector,
} from '../wallet/device-identity';
import { OutboxStore } from '../wallet/outbox-store';
import { createPlayRecorder, type PlayRecorderHooks } from '../wallet/play-recorder';
import { PreviewLedger } from '../wallet/preview-ledger';
import { ServerClock } from '../wallet/server-clock';
import { WalletStore, type WalletOwner } from '../wallet/wallet-store';

/**
 * Stream to own, wired: the listening guard, the wallet, the outbox and the
 * handlers for the `player.*`, `wallet.*` and `coop.*` calls. The app (and
 * tests) build it with `createStream2OwnDomain` and spread its handlers.
 */

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

/**
 * What an uncounted co-op session may fetch while the wallet cannot pay the
 * play (a preview): the first 45 s of audio plus this margin, in proportion
 * of the file's bytes to the track's duration, plus a fixed allowance for
 * the container's headers. An unknown size is taken as 320 kbit/s.
 */
export const PREVIEW_MEDIA_MARGIN_MS = 15_000;
export const PREVIEW_MEDIA_HEADER_BYTES = 64 * 1024;
const UNKNOWN_SIZE_BYTES_PER_SECOND = 40_000;

/** The account using the wallet (the sync domain binds it): the server in use and the signed-in listener. */
export interface WalletAccount {
  serverKey: string | null;
  userId: string | null;
}

/** Why a non-owner can no longer play an unpublished track. */
export const UNPUBLISHED_MESSAGE =
  'The artist has unpublished this track; only listeners who own it can still play it.';

export type Stream2OwnCallName = keyof typeof playerCalls | keyof typeof walletCalls;
export type Stream2OwnHandlers = Pick<CallHandlers, Stream2OwnCallName>;

export function createStream2OwnDomain(deps: Stream2OwnDeps) {
  const log = deps.logger.child({ domain: 'stream2own' });
  const catalog = new CoopCatalogStore(deps.db, deps.clock);
  /** Null until the sync domain binds the account (stream to own alone: one anonymous wallet). */
  let account: (() => WalletAccount) | null = null;
  const owner = (): WalletOwner | null => (account ? { ...account(), deviceId: identity.deviceId } : null);
  const wallet = new WalletStore(deps.db, owner);
  const outbox = new OutboxStore(deps.db);
  const serverClock = new ServerClock(deps.db, deps.clock);
  const previews = new PreviewLedger(deps.db);
  const listener = (): string => account?.().userId ?? '';
  let identity: DeviceIdentity = loadOrCreateDeviceIdentity({
    db: deps.db,
    dataDir: deps.dataDir,
    clock: deps.clock,
    protector: deps.keyProtector,
    log,
  });
  const recorder = createPlayRecorder({
    db: deps.db,
    catalog,
    wallet,
    identity: () => identity,
    hooks: deps.recorderHooks,
  });
  const lowBalanceThreshold = deps.lowBalanceThresholdThousandths ?? DEFAULT_LOW_BALANCE_THOUSANDTHS;

  function summary(): WalletSummary {
    const b = wallet.balances();
    return {
      ...b,
      lowBalance: b.spendableThousandths < lowBalanceThreshold,
      lowBalanceThresholdThousandths: lowBalanceThreshold,
      unsentReceipts: outbox.countUnanswered(),
      deviceId: identity.deviceId,
    };
  }

  function toCoopTrack(t: CoopTrackWithProgress, spendable: number): CoopTrack {
    return {
      id: t.id,
      title: t.title,
      artist: t.artist,
      album: t.album,
      durationMs: t.durationMs,
      status: t.status,
      rightsholder: t.rightsholder,
      isOwn: t.isOwn,
      downloaded: t.localFile !== null,
      stream2own: stream2OwnState(t, t.progress, spendable),
    };
  }

  /** Events must never undo a committed charge: a bad payload is logged, not thrown into the guard. */
  function emitSafely(emit: () => void): void {
    try {
      emit();
    } catch (error) {
      log.error({ err: error }, 'could not emit a stream-to-own event');
    }
  }

  function onCounted(play: CountedPlay): CountDecision {
    if (play.source === 'local') {
      deps.local?.recordLocalPlay(Number(play.trackId), play.countedAtMs);
      emitSafely(() =>
        deps.events.emit('player.playCounted', {
          sessionId: play.sessionId,
          source: 'local',
          trackId: play.trackId,
          outcome: 'local',
          freeReason: null,
          paidPlayNumber: null,
          chargeThousandths: 0,
          heardMs: play.heardMs,
          receiptId: null,
          stream2own: null,
          wallet: null,
        }),
      );
      return { stopPlayback: false };
    }

    const recorded = recorder.record(play);
    // A counted play uses up what was heard before; a preview keeps it for the window.
    if (recorded.decision.outcome !== 'preview') previews.clear(listener(), play.trackId);
    const track = catalog.get(play.trackId);
    const walletNow = summary();
    const { decision } = recorded;
    const counted: PlayCounted = {
      sessionId: play.sessionId,
      source: 'coop',
      trackId: play.trackId,
      outcome: decision.outcome,
      freeReason: decision.freeReason,
      paidPlayNumber: decision.paidPlayNumber,
      chargeThousandths: decision.outcome === 'charged' ? decision.priceThousandths : 0,
      heardMs: play.heardMs,
      receiptId: recorded.receiptId,
      stream2own: track ? stream2OwnState(track, track.progress, walletNow.spendableThousandths) : null,
      wallet: walletNow,
    };
    emitSafely(() => deps.events.emit('player.playCounted', counted));
    if (recorded.isNew) emitSafely(() => deps.events.emit('wallet.changed', walletNow));
    if (decision.outcome === 'preview') {
      emitSafely(() =>
        deps.events.emit('player.previewEnded', {
          sessionId: play.sessionId,
          trackId: play.trackId,
          priceThousandths: decision.priceThousandths,
          spendableThousandths: walletNow.spendableThousandths,
          remainingToOwnThousandths: remainingToOwnThousandths(recorded.progress.paidPlays),
        }),
      );
      return { stopPlayback: true };
    }
    return { stopPlayback: false };
  }

  // Stamps (session start, countedAt) are in the server's time as learned at the last sync.
  const guard = new ListeningGuard({
    clock: serverClock.corrected(),
    log,
    onCounted,
    limits: deps.guardLimits,
    onHeard: (session) => {
      if (session.source === 'coop')
        previews.record(listener(), session.trackId, session.heardMs, serverClock.nowMs());
    },
  });

  /**
   * The bytes a co-op session may fetch now: null (no cap) once it counted,
   * or when the play is free (owned, own track, free, short) or the wallet
   * covers it; else about the first 45 s of audio plus a margin.
   */
  function mediaLimit(trackId: string, sessionId: string | null, sizeBytes: number | null): number | null {
    const live = sessionId ? guard.liveSession(sessionId) : guard.liveSessionOf('coop', trackId);
    if (!live || live.source !== 'coop' || live.trackId !== trackId || live.counted) return null;
    const track = catalog.get(trackId);
    if (!track) return null;
    const state = stream2OwnState(track, track.progress, wallet.balances().spendableThousandths);
    if (state.freeReason !== null || !state.previewOnly) return null;
    const audioMs = COUNT_THRESHOLD_MS + PREVIEW_MEDIA_MARGIN_MS;
    const limit =
      sizeBytes === null
        ? PREVIEW_MEDIA_HEADER_BYTES + Math.ceil((audioMs / 1000) * UNKNOWN_SIZE_BYTES_PER_SECOND)
        : PREVIEW_MEDIA_HEADER_BYTES + Math.ceil((sizeBytes * audioMs) / Math.max(track.durationMs, audioMs));
    return sizeBytes !== null && limit >= sizeBytes ? null : limit;
  }

  /**
   * Opens a guard session for a co-op track. `streamed`: the caller (the sync
   * domain) has checked the server will stream it, so no file is needed here;
   * the media path then resolves to the remote audio while there is no file.
   */
  function openCoop(trackId: string, streamed: boolean): CallOutput<'player.open'> {
    const track = catalog.get(trackId);
    if (!track) throw new CallError('not_found', 'That track is not in the co-op catalog on this device.');
    if (!isVisibleTrack(track)) throw new CallError('not_found', UNPUBLISHED_MESSAGE);
    if (!streamed && (!track.localFile || !existsSync(track.localFile))) {
      throw new CallError('unavailable', 'That track has not been downloaded to this device.');
    }
    // One free preview per window, not per session: what was heard of this track before is carried on.
    const heardBeforeMs = previews.heardMs(listener(), trackId, serverClock.nowMs());
    const session = guard.open({ source: 'coop', trackId, durationMs: track.durationMs, heardBeforeMs });
    const mediaPath = coopTrackMediaPath(trackId, session.sessionId);
    return {
      sessionId: session.sessionId,
      mediaPath,
      mediaUrl: deps.mediaUrl(mediaPath),
      track: {
        source: 'coop',
        trackId,
        title: track.title,
        artist: track.artist,
        album: track.album,
        durationMs: track.durationMs,
      },
      stream2own: stream2OwnState(track, track.progress, wallet.balances().spendableThousandths),
    };
  }

  const handlers: Stream2OwnHandlers = {
    'player.open': ({ source, trackId }) => {
      if (source === 'local') {
        if (!deps.local) throw new CallError('unavailable', 'There is no local library in this host.');
        if (!/^\d{1,15}$/.test(trackId)) throw new CallError('not_found', 'No such local track.');
        const playable = deps.local.getPlayableFile(Number(trackId));
        if (!playable)
          throw new CallError(
            'not_found',
            'That track is not in the library or its file is not on disk now.',
          );
        // An unknown duration (0) is counted like a long track: at 45 s heard.
        const durationMs = playable.durationMs > 0 ? Math.round(playable.durationMs) : COUNT_THRESHOLD_MS;
        const session = guard.open({ source, trackId, durationMs });
        const mediaPath = localTrackMediaPath(Number(trackId));
        return {
          sessionId: session.sessionId,
          mediaPath,
          mediaUrl: deps.mediaUrl(mediaPath),
          track: { source, trackId, title: null, artist: null, album: null, durationMs },
          stream2own: null,
        };
      }
      return openCoop(trackId, false);
    },
    'player.report': (report) => guard.report(report),
    'player.close': ({ sessionId }) => ({ closed: guard.close(sessionId) }),
    'wallet.get': () => summary(),
    'wallet.history': ({ limit, beforeId }) => wallet.history({ limit, beforeId }),
    'wallet.collection': () => {
      const spendable = wallet.balances().spendableThousandths;
      return { tracks: catalog.owned().map((t) => toCoopTrack(t, spendable)) };
    },
    'coop.tracks': ({ query, limit, offset }) => {
      const spendable = wallet.balances().spendableThousandths;
      const { tracks, total } = catalog.list({ query, limit, offset });
      return { tracks: tracks.map((t) => toCoopTrack(t, spendable)), total };
    },
  };

  return {
    handlers,
    guard,
    catalog,
    wallet,
    outbox,
    summary,
    /** The device identity that signs new receipts. */
    identity: () => ({ deviceId: identity.deviceId, publicKey: identity.publicKey }),
    /** `player.open` of a co-op track the server streams (not downloaded): the sync domain checked it can. */
    openCoopStream: (trackId: string) => openCoop(trackId, true),
    /** Whether `sessionId` is the live session of co-op track `trackId` (the media path may serve it). */
    coopSessionLive(trackId: string, sessionId: string): boolean {
      const live = guard.liveSession(sessionId);
      return Boolean(live && live.source === 'coop' && live.trackId === trackId);
    },
    /**
     * For the `track` media resolver: the co-op file, only for the live session
     * of that track, with the byte cap of an uncounted preview (`limitBytes`).
     */
    coopFile(trackId: string, sessionId: string): MediaFile | null {
      const live = guard.liveSession(sessionId);
      if (!live || live.source !== 'coop' || live.trackId !== trackId) return null;
      const file = catalog.get(trackId)?.localFile ?? null;
      if (!file || !existsSync(file)) return null;
      const limit = mediaLimit(trackId, sessionId, statSync(file).size);
      return { file, contentType: contentTypeFor(file), ...(limit !== null ? { limitBytes: limit } : {}) };
    },
    /** The byte cap for the live session of a streamed co-op track (null: none); `sizeBytes` null when not known yet. */
    coopMediaLimit: (trackId: string, sizeBytes: number | null) => mediaLimit(trackId, null, sizeBytes),
    /** The server's time as learned at the last sync (receipts are stamped with it). */
    serverClock,
    /**
     * Binds the wallet to an account (the sync domain does, once): the wallet
     * row is spendable only for the server, listener and device identity it
     * came from, and the preview window is kept per listener.
     */
    bindAccount(current: () => WalletAccount): void {
      account = current;
    },
    /** The sync engine's entry: a new balance from the server, and the charges it settled. */
    applyServerState(state: Parameters<WalletStore['applyServerState']>[0]): void {
      wallet.applyServerState(state);
      emitSafely(() => deps.events.emit('wallet.changed', summary()));
    },
    /** Makes a new device identity now (e.g. the user reset the device). Unsent receipts stay as they are. */
    rotateIdentity(): void {
      identity = loadOrCreateDeviceIdentity({
        db: deps.db,
        dataDir: deps.dataDir,
        clock: deps.clock,
        protector: deps.keyProtector,
        log,
        forceNew: true,
      });
      // The old device's allowance is not the new one's; until a sync brings it nothing is spendable (the row names the old device).
      wallet.forgetAllowance();
      emitSafely(() => deps.events.emit('wallet.changed', summary()));
    },
  };
}

export type Stream2OwnDomain = ReturnType<typeof createStream2OwnDomain>;
