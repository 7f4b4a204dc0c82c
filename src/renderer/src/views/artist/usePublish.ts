import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { PublishProgress } from '../../../../shared/contract/artist';
import type { ReleaseDraft } from '../../../../shared/contract/release';
import { invalidateAfter, useCallMutation, useEvent } from '../../api/queries';
import { describeError } from '../../lib/describe-error';

export type Choice = { include: boolean; status: 'paid' | 'free' };
export type FileProgress = {
  sent: number;
  total: number;
  state: NonNullable<PublishProgress['fileState']> | 'waiting';
  message: string | null;
};

/** Paid/free and include per track, keyed by position; a track marked always free stays free. */
function useChoices(draft: ReleaseDraft) {
  const [choices, setChoices] = useState<Record<number, Choice>>(() =>
    Object.fromEntries(
      draft.tracks.map((tr) => [tr.position, { include: true, status: tr.alwaysFree ? 'free' : 'paid' }]),
    ),
  );
  const selected = draft.tracks.filter((tr) => choices[tr.position]?.include);
  const statusOf = (position: number, alwaysFree: boolean) =>
    alwaysFree ? 'free' : (choices[position]?.status ?? 'paid');
  const setChoice = (position: number, patch: Partial<Choice>) =>
    setChoices((c) => ({
      ...c,
      [position]: { ...(c[position] ?? { include: true, status: 'paid' }), ...patch },
    }));
  const paidCount = selected.filter((tr) => statusOf(tr.position, tr.alwaysFree) === 'paid').length;
  return { choices, selected, statusOf, setChoice, paidCount };
}

/** The upload's phase and each file's progress, as the main process reports them for this draft. */
function usePublishProgress(draftId: string) {
  const [phase, setPhase] = useState<PublishProgress | null>(null);
  const [files, setFiles] = useState<Record<number, FileProgress>>({});
  useEvent('artist.publishProgress', (p) => {
    if (p.draftId !== draftId) return;
    setPhase(p);
    const position = p.position;
    if (position !== null && p.fileState) {
      setFiles((f) => ({
        ...f,
        [position]: {
          sent: p.sentBytes,
          total: p.totalBytes,
          state: p.fileState ?? 'uploading',
          message: p.message,
        },
      }));
    }
  });
  return { phase, files, setFiles };
}

/** Publishing a release draft: the choices, the confirmation step, the upload's progress and the answer. */
export function usePublish(draft: ReleaseDraft, artistId: string | null) {
  const client = useQueryClient();
  const publishCall = useCallMutation('artist.publish');
  const syncNow = useCallMutation('sync.now');
  const [title, setTitle] = useState(draft.title);
  const [confirming, setConfirming] = useState(false);
  const choices = useChoices(draft);
  const progress = usePublishProgress(draft.draftId);
  const publish = () => {
    if (!artistId) return;
    const { selected, statusOf } = choices;
    setConfirming(false);
    progress.setFiles(
      Object.fromEntries(
        selected.map((tr) => [tr.position, { sent: 0, total: 0, state: 'waiting', message: null }]),
      ),
    );
    const tracks = selected.map((tr) => ({
      position: tr.position,
      status: statusOf(tr.position, tr.alwaysFree),
    }));
    publishCall.mutate(
      { draftId: draft.draftId, artistId, title: title.trim(), tracks },
      {
        // The new tracks reach the server's catalog on the next sync: start it now.
        onSuccess: (answer) => {
          if (answer.published) syncNow.mutate({});
        },
        // A failed upload may still have left a release behind: show what is there.
        onError: () => invalidateAfter(client, 'artist.publish'),
      },
    );
  };
  return {
    title,
    setTitle,
    confirming,
    setConfirming,
    ...choices,
    ...progress,
    publish,
    busy: publishCall.isPending,
    result: publishCall.data ?? null,
    error: publishCall.error ? describeError(publishCall.error) : null,
  };
}

export type PublishState = ReturnType<typeof usePublish>;

/** Unpublishing one of the artist's releases, with a note saying what happened. */
export function useUnpublish() {
  const client = useQueryClient();
  const unpublish = useCallMutation('artist.unpublish');
  const [note, setNote] = useState<string | null>(null);
  const run = (releaseId: string, done: string) =>
    unpublish.mutate(
      { releaseId },
      {
        onSuccess: () => setNote(done),
        onError: (e) => {
          setNote(describeError(e));
          invalidateAfter(client, 'artist.unpublish');
        },
      },
    );
  return { note, unpublish: run };
}
