import { useEffect, useState } from 'react';
import type { EarningsGroupBy } from '../../../../shared/contract/artist';
import { useCallMutation } from '../../api/queries';
import { describeError } from '../../lib/describe-error';
import type { EarningsRange } from './earnings-period';

/** The earnings as CSV: downloads at once and keeps a link for a second try (revoked when replaced or gone). */
export function useCsvExport(artistId: string, groupBy: EarningsGroupBy, range: EarningsRange) {
  const csv = useCallMutation('artist.earningsCsv');
  const [link, setLink] = useState<{ url: string; file: string } | null>(null);
  useEffect(() => () => (link ? URL.revokeObjectURL(link.url) : undefined), [link]);
  const exportCsv = () =>
    csv.mutate(
      { artistId, groupBy, ...range },
      {
        onSuccess: ({ csv: text, fileName }) => {
          const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
          setLink({ url, file: fileName });
          // Start the download at once; the link stays for a second try.
          const a = document.createElement('a');
          a.href = url;
          a.download = fileName;
          a.click();
        },
      },
    );
  return { link, exportCsv, error: csv.error ? describeError(csv.error) : null };
}

export type CsvExportState = ReturnType<typeof useCsvExport>;
