import { useState } from 'react';
import { DEFAULT_TARGET_LUFS } from '../../../../shared/contract/release';
import { useCall, useCallMutation } from '../../api/queries';
import { useReleaseDraft } from './release-store';

/** The loudness target as typed (null while invalid) and the last valid one, which the checks use. */
function useLoudnessTarget() {
  const [targetText, setTargetText] = useState(String(DEFAULT_TARGET_LUFS));
  const targetNumber = Number(targetText);
  const target =
    Number.isFinite(targetNumber) && targetNumber >= -40 && targetNumber <= 0 && targetText.trim() !== ''
      ? targetNumber
      : null;
  const [lastTarget, setLastTarget] = useState(DEFAULT_TARGET_LUFS);
  if (target !== null && target !== lastTarget) setLastTarget(target);
  return { targetText, setTargetText, target, lastTarget };
}

/** The open draft, its checks against the target, the track being previewed, and closing it. */
export function useReleasePreview() {
  const { draftId, setDraft } = useReleaseDraft();
  const closeDraft = useCallMutation('release.closeDraft');
  const loudness = useLoudnessTarget();
  const [playing, setPlaying] = useState<number | null>(null);
  const draft = useCall('release.draft', { draftId: draftId ?? 'none' }, { enabled: !!draftId });
  const checks = useCall(
    'release.checks',
    { draftId: draftId ?? 'none', targetLufs: loudness.lastTarget },
    { enabled: !!draftId, keepPrevious: true },
  );
  const close = () => {
    // Closing frees the main process's copy; the view forgets the draft whether or not that worked.
    if (draftId) closeDraft.mutate({ draftId });
    setPlaying(null);
    setDraft(null);
  };
  const d = draft.data;
  const playingTrack = d && playing !== null ? d.tracks.find((x) => x.position === playing) : undefined;
  return {
    ...loudness,
    draftId,
    draft,
    checks,
    tolerance: checks.data?.toleranceLu ?? 2,
    close,
    playing,
    setPlaying,
    playingTrack,
  };
}

export type ReleasePreview = ReturnType<typeof useReleasePreview>;
