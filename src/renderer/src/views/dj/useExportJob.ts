import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { DjList, ExportStatus } from '../../../../shared/contract/dj';
import { fetchCall, useCallMutation, useEvent } from '../../api/queries';
import { describeError } from '../../lib/describe-error';

const RUNNING = new Set(['preparing', 'copying', 'writing']);

/** The export's destination and file name pattern, the job's status (followed through dj.exportProgress), start and cancel. */
export function useExportJob(list: DjList) {
  const [destination, setDestination] = useState('');
  const [pattern, setPattern] = useState('');
  const client = useQueryClient();
  const [status, setStatus] = useState<ExportStatus | null>(null);
  const exportList = useCallMutation('dj.export');
  const cancelExport = useCallMutation('dj.cancelExport');
  useEvent('dj.exportProgress', (s) => {
    if (status && s.jobId === status.jobId) setStatus(s);
  });
  const start = async (event: FormEvent) => {
    event.preventDefault();
    const first = await exportList
      .mutateAsync({
        listId: list.id,
        destination: destination.trim(),
        ...(pattern.trim() ? { fileNamePattern: pattern.trim() } : {}),
      })
      .catch(() => null); // shown from the mutation's error
    if (!first) return;
    setStatus(first);
    // The export may be done before the first event arrives: ask once more (the events go on otherwise).
    const now = await fetchCall(client, 'dj.exportStatus', { jobId: first.jobId }).catch(() => null);
    if (now) setStatus((s) => (s && s.jobId === now.jobId && !RUNNING.has(s.state) ? s : now));
  };
  const cancel = () => {
    if (status) cancelExport.mutate({ jobId: status.jobId }, { onSuccess: setStatus });
  };
  return {
    destination,
    setDestination,
    pattern,
    setPattern,
    status,
    running: status !== null && RUNNING.has(status.state),
    error: exportList.error ? describeError(exportList.error) : null,
    start,
    cancel,
  };
}

export type ExportJob = ReturnType<typeof useExportJob>;
