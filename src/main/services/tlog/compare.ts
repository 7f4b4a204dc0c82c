import { CallError } from '../../../shared/contract/define';
import { toHex, verifyCheckpoint } from '../../../shared/tlog';
import { consistencyFailure, LogOffline, type FetchedCheckpoint } from './checker';
import { emitStatus } from './status';
import type { KeptCheckpoint, NewFailure } from './tlog-store';
import { trustedVkey, type TlogParts } from './tlog-parts';

const asKept = (c: FetchedCheckpoint): KeptCheckpoint => ({
  origin: c.checkpoint.origin,
  size: c.checkpoint.size,
  rootHex: toHex(c.checkpoint.root),
  note: c.text,
  verifiedAtMs: 0,
});

/** The checkpoint this app verified last and the one offered, both verified against the trusted log key. */
function bothCheckpoints(
  p: TlogParts,
  serverKey: string,
  note: string,
): { kept: KeptCheckpoint; mine: FetchedCheckpoint; other: FetchedCheckpoint } {
  const vkey = trustedVkey(p, p.store.config(), serverKey);
  const kept = p.store.latest(serverKey);
  const keptVerdict = vkey && kept ? verifyCheckpoint(kept.note, vkey) : null;
  if (!kept || !keptVerdict?.ok)
    throw new CallError('conflict', 'This app has not verified a checkpoint of this log yet.');
  const verdict = verifyCheckpoint(note, vkey!);
  if (!verdict.ok)
    throw new CallError('invalid_input', `That checkpoint is not one this log signed: ${verdict.reason}.`);
  return {
    kept,
    mine: { text: kept.note, checkpoint: keptVerdict.checkpoint, note: keptVerdict.note },
    other: { text: note, checkpoint: verdict.checkpoint, note: verdict.note },
  };
}

/** Whether the two are one history: the smaller must be a prefix of the larger, and the log proves it. */
async function splitViewFailure(
  p: TlogParts,
  { kept, mine, other }: ReturnType<typeof bothCheckpoints>,
): Promise<NewFailure | null> {
  try {
    return other.checkpoint.size >= kept.size
      ? await consistencyFailure(p.deps.request, kept, other)
      : await consistencyFailure(p.deps.request, asKept(other), mine);
  } catch (error) {
    if (error instanceof LogOffline)
      throw new CallError('unavailable', `Could not compare with the log: ${error.message}`);
    throw error;
  }
}

/** `tlog.compare`: another listener's checkpoint against the one this app verified; a split view is kept as evidence. */
export async function compareCheckpoint(p: TlogParts, note: string): Promise<void> {
  const serverKey = p.deps.serverKey();
  const both = bothCheckpoints(p, serverKey, note);
  const failure = await splitViewFailure(p, both);
  if (failure)
    p.store.addFailure(
      serverKey,
      {
        ...failure,
        kind: 'split_view',
        keptNote: both.kept.note,
        offeredNote: note,
        message: `Another listener's checkpoint of this log cannot be part of the history this app verified: the server shows different histories to different people (${failure.message})`,
      },
      p.deps.clock.nowMs(),
    );
  emitStatus(p);
}
