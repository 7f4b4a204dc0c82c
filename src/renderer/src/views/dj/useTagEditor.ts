import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalDjTrack, TagChanges } from '../../../../shared/contract/dj';
import { useCall, useCallMutation } from '../../api/queries';
import { describeError } from '../../lib/describe-error';

export type TagDiffRows = { field: string; from: string | null; to: string | null }[];

export const TAG_FIELDS = ['title', 'artist', 'album', 'genre', 'bpm', 'key'] as const;

export type TagValues = Record<(typeof TAG_FIELDS)[number], string>;

export type TagMessage = { kind: 'ok' | 'error'; text: string };

function toChanges(values: TagValues): TagChanges {
  return {
    title: values.title,
    artist: values.artist,
    album: values.album,
    genre: values.genre,
    bpm: values.bpm.trim() ? Number(values.bpm) : null,
    key: values.key.trim() ? values.key.trim() : null,
  };
}

/** The form's values (a change forgets the last preview), starting from the track's tags in the user's key notation. */
function useTagValues(track: LocalDjTrack, musical: boolean, onChange: () => void) {
  const [values, setValues] = useState<TagValues>({
    title: track.title,
    artist: track.artist,
    album: track.album,
    genre: track.genre,
    bpm: track.bpm ? String(Math.round(track.bpm)) : '',
    key: (musical ? track.musicalKey : track.camelotKey) ?? track.key ?? '',
  });
  const setField = (field: keyof TagValues, value: string) => {
    setValues({ ...values, [field]: value });
    onChange();
  };
  return { values, setField };
}

/** Preview what changes, write them, undo the write; each outcome is the editor's one message. */
export function useTagEditor(track: LocalDjTrack) {
  const { t } = useTranslation();
  const settings = useCall('settings.get', {});
  const [diff, setDiff] = useState<TagDiffRows | null>(null);
  const [message, setMessage] = useState<TagMessage | null>(null);
  const [written, setWritten] = useState(false);
  const { values, setField } = useTagValues(track, settings.data?.keyNotation === 'musical', () =>
    setDiff(null),
  );
  const ref = { source: 'local' as const, id: track.id };
  // What a write or an undo makes stale (the DJ and library rows) is in api/invalidations.ts.
  const previewTags = useCallMutation('dj.previewTags');
  const writeTags = useCallMutation('dj.writeTags');
  const undoTags = useCallMutation('dj.undoTags');
  const failed = (error: Error) => setMessage({ kind: 'error', text: describeError(error) });
  const preview = (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    previewTags.mutate(
      { ref, changes: toChanges(values) },
      { onSuccess: (result) => setDiff(result.changes), onError: failed },
    );
  };
  const write = () =>
    writeTags.mutate(
      { ref, changes: toChanges(values), keyNotation: settings.data?.keyNotation ?? 'musical' },
      {
        onSuccess: (result) => {
          setWritten(result.undoable);
          setDiff(null);
          setMessage({ kind: 'ok', text: t('dj.tags.written', { count: result.diff.changes.length }) });
        },
        onError: failed,
      },
    );
  const undo = () =>
    undoTags.mutate(
      { ref },
      {
        onSuccess: () => {
          setWritten(false);
          setMessage({ kind: 'ok', text: t('dj.tags.undone') });
        },
        onError: failed,
      },
    );
  return { values, setField, diff, message, written, preview, write, undo };
}
