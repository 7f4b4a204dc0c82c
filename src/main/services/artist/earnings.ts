import {
  earningsFiguresSchema,
  type Earnings,
  type EarningsFigures,
  type EarningsGroupBy,
} from '../../../shared/contract/artist';
import type { ParsedCallInput } from '../../../shared/contract';
import { earnings, type AnswerOf } from '../../../shared/server-api';
import { callSpec, errorFromAnswer, sendSpec, type Request } from './server-answer';

export type EarningsInput = ParsedCallInput<'artist.earnings'>;

export const PREVIEWS_NOTE =
  'Previews that did not count (heard less than 45 s) are not sent to the co-op and the server keeps no record of them, so they cannot be shown; they earned nothing.';

const FIGURES = Object.keys(earningsFiguresSchema.shape) as (keyof EarningsFigures)[];

/** The server's rows as the contract's (a title or null), with their totals. */
function earningsView(
  artistId: string,
  groupBy: EarningsGroupBy,
  wire: AnswerOf<typeof earnings.artistEarnings>['rows'],
): Earnings {
  const totals = Object.fromEntries(FIGURES.map((k) => [k, 0])) as EarningsFigures;
  const rows = wire.map(({ title, ...r }) => {
    for (const k of FIGURES) totals[k] += r[k];
    return { ...r, title: title ?? null };
  });
  return { artistId, groupBy, rows, totals, previewsNotCounted: null, previewsNote: PREVIEWS_NOTE };
}

/** `artist.earnings`: the server's settled earnings for the range, grouped as asked, with their totals. */
export async function artistEarnings(
  request: Request,
  { artistId, groupBy, from, to }: EarningsInput,
): Promise<Earnings> {
  const answer = await callSpec(
    request,
    earnings.artistEarnings,
    { params: { id: artistId }, query: { groupBy, from, to } },
    'load the earnings',
  );
  return earningsView(artistId, groupBy, answer.rows);
}

/** `artist.earningsCsv`: the same earnings as the server's CSV text, under the file name the server gives (else one of ours). */
export async function earningsCsv(
  request: Request,
  { artistId, groupBy, from, to }: EarningsInput,
): Promise<{ fileName: string; csv: string }> {
  const action = 'export the earnings';
  const answer = await sendSpec(
    request,
    earnings.artistEarnings,
    { params: { id: artistId }, query: { groupBy, from, to, format: 'csv' } },
    action,
  );
  if (answer.status !== 200) throw errorFromAnswer(answer, action);
  const named = /filename="([^"]+)"/.exec(answer.headers.get('content-disposition') ?? '')?.[1];
  return { fileName: named ?? `earnings-${artistId}-${groupBy}.csv`, csv: answer.text };
}
