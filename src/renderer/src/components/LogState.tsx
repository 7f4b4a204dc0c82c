import { useTranslation } from 'react-i18next';
import type { TlogPlay } from '../../../shared/contract/tlog';
import { useCall } from '../api/queries';
import { useLogStatus } from './LogWarning';
import '../styles/tlog.css';

/** Each settled play's state in the server's public log, by receipt id (History). */
export function usePlayLogStates(
  entries: ReadonlyArray<{ receiptId: string | null; settled: boolean }> | undefined,
): Map<string, TlogPlay> {
  const receiptIds = (entries ?? []).filter((e) => e.receiptId && e.settled).map((e) => e.receiptId!);
  const plays = useCall('tlog.plays', { receiptIds }, { enabled: receiptIds.length > 0 });
  return new Map((plays.data?.plays ?? []).map((p) => [p.receiptId, p]));
}

/** "In the public log · #12", "Pending", or a failure said plainly. Only a verified proof says "in the log". */
export function PlayLogState({
  entry,
  play,
}: {
  entry: { receiptId: string | null; settled: boolean };
  play?: TlogPlay;
}) {
  const { t } = useTranslation();
  if (!entry.receiptId) return <span className="muted">—</span>;
  const state = entry.settled && play ? play.state : 'pending';
  return (
    <span className={`log-state-${state}`} data-testid="history-log" data-state={state}>
      {state === 'in_log' ? t('tlog.plays.in_log', { index: play!.leafIndex }) : t(`tlog.plays.${state}`)}
    </span>
  );
}

/** One line over History: the checkpoint verified and how many witnesses cosigned it. */
export function LogSummary() {
  const { t } = useTranslation();
  const status = useLogStatus();
  if (!status || !status.checkpoint) return null;
  const cp = status.checkpoint;
  return (
    <p className="log-summary muted" data-testid="log-summary">
      {t('tlog.summary', {
        size: cp.size,
        witnesses: status.witnesses.length ? cp.knownWitnessCosignatures : cp.cosignatures,
        when: new Date(cp.verifiedAtMs).toLocaleString(),
      })}
      {status.requiredWitnesses > 0 && ` ${t('tlog.required', { n: status.requiredWitnesses })}`}
      {status.state === 'offline' && ` ${t('tlog.offline')}`}
    </p>
  );
}
