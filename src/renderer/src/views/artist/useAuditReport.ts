import { useState, type FormEvent } from 'react';
import { useCall, useCallMutation } from '../../api/queries';
import { describeError } from '../../lib/describe-error';
import type { EarningsRange } from './earnings-period';

/** The signed earnings report: where to save it (a suggestion in the data folder), export, and its verdict. */
export function useAuditReport(artistId: string, range: EarningsRange) {
  const info = useCall('app.info', {});
  const exportReport = useCallMutation('artist.exportReport');
  const [path, setPath] = useState('');
  const [stable, setStable] = useState(false);
  const suggested = info.data
    ? `${info.data.dataDir}/reports/earnings-report-${artistId}-${new Date().toISOString().slice(0, 10)}.json`
    : '';
  const target = path.trim() || suggested;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (target) exportReport.mutate({ artistId, ...range, path: target, stablePseudonyms: stable });
  };
  return {
    path,
    setPath,
    stable,
    setStable,
    suggested,
    target,
    submit,
    busy: exportReport.isPending,
    verdict: exportReport.data ?? null,
    error: exportReport.error ? describeError(exportReport.error) : null,
  };
}

export type AuditReportState = ReturnType<typeof useAuditReport>;
