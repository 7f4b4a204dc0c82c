import { addPlayToTotals, emptyTotals, type EarningsReport } from '../../../src/shared/earnings-report';

/** The report without one play, its totals summed again so that it is consistent with itself. */
export function withoutPlay(report: EarningsReport, index: number): EarningsReport {
  const plays = report.plays.filter((_, i) => i !== index);
  const dropped = report.plays[index]!;
  const totals = emptyTotals();
  for (const p of plays) addPlayToTotals(totals, p);
  for (const p of report.purchases) {
    totals.purchases++;
    totals.creditsSpentThousandths += p.priceThousandths;
    totals.artistShareTenThousandths += p.artistShareTenThousandths;
    totals.coopShareTenThousandths += p.coopShareTenThousandths;
  }
  const tracks = report.tracks.map((t) => {
    if (t.trackId !== dropped.signed.receipt.trackId) return t;
    const trackTotals = emptyTotals();
    for (const p of plays.filter((p) => p.signed.receipt.trackId === t.trackId))
      addPlayToTotals(trackTotals, p);
    return { ...t, totals: trackTotals };
  });
  return { ...report, plays, totals, tracks };
}
