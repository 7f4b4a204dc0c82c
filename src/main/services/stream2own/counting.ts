import type { PlayCounted } from '../../../shared/contract/player';
import { remainingToOwnThousandths } from '../../../shared/pricing';
import type { CountDecision, CountedPlay } from '../playback/types';
import { stream2OwnState } from '../wallet/charge-rules';
import type { PlayRecorder } from '../wallet/play-recorder';
import { emitSafely, walletSummary, type Stream2OwnParts } from './parts';

/** A local file counted: the library records the play; no charge, no receipt. */
function countLocal(p: Stream2OwnParts, play: CountedPlay): CountDecision {
  p.deps.local?.recordLocalPlay(Number(play.trackId), play.countedAtMs);
  emitSafely(p, () =>
    p.deps.events.emit('player.playCounted', {
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

/**
 * The guard counted a play: a co-op play is charged (or free, or a preview)
 * with its receipt in one transaction, then told to the renderer; a preview
 * stops playback.
 */
export function onCounted(p: Stream2OwnParts, recorder: PlayRecorder, play: CountedPlay): CountDecision {
  if (play.source === 'local') return countLocal(p, play);
  const recorded = recorder.record(play);
  // A counted play uses up what was heard before; a preview keeps it for the window.
  if (recorded.decision.outcome !== 'preview') p.previews.clear(p.listener(), play.trackId);
  const track = p.catalog.get(play.trackId);
  const walletNow = walletSummary(p);
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
  emitSafely(p, () => p.deps.events.emit('player.playCounted', counted));
  if (recorded.isNew) emitSafely(p, () => p.deps.events.emit('wallet.changed', walletNow));
  if (decision.outcome !== 'preview') return { stopPlayback: false };
  emitSafely(p, () =>
    p.deps.events.emit('player.previewEnded', {
      sessionId: play.sessionId,
      trackId: play.trackId,
      priceThousandths: decision.priceThousandths,
      spendableThousandths: walletNow.spendableThousandths,
      remainingToOwnThousandths: remainingToOwnThousandths(recorded.progress.paidPlays),
    }),
  );
  return { stopPlayback: true };
}
