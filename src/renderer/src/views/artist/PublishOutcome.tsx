import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublishProgress, PublishResult } from '../../../../shared/contract/artist';
import type { ReleaseProblem } from '../../../../shared/contract/release';
import { formatDuration } from '../../lib/format';

/** "Publish n tracks as …?", naming the checks that did not pass; the confirm button takes the focus. */
export function PublishConfirm({
  question,
  failed,
  onConfirm,
  onCancel,
}: {
  question: string;
  failed: ReleaseProblem[];
  onConfirm(): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <div className="publish-confirm" role="group" aria-labelledby="publish-question">
      <p id="publish-question">{question}</p>
      {failed.length > 0 && (
        <div className="publish-failed-checks" data-testid="publish-failed-checks">
          <p>
            <strong>{t('artist.publish.failedChecks', { count: failed.length })}</strong>
          </p>
          <ul>
            {failed.map((p, i) => (
              <li key={`${p.code}-${i}`} data-code={p.code}>
                {t(`artist.severity.${p.severity}`)}: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="dialog-actions">
        <button
          ref={confirmRef}
          type="button"
          className="primary"
          onClick={onConfirm}
          data-testid="publish-confirm"
        >
          {t('artist.publish.confirmButton')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('artist.publish.cancel')}
        </button>
      </div>
    </div>
  );
}

/** Where the upload is, what went wrong, or what was published (or rejected, file by file). */
export function PublishOutcome({
  phase,
  busy,
  error,
  result,
}: {
  phase: PublishProgress | null;
  busy: boolean;
  error: string | null;
  result: PublishResult | null;
}) {
  const { t } = useTranslation();
  return (
    <>
      {phase && (busy || phase.phase === 'failed') && (
        <p role="status" data-testid="publish-phase">
          {t(`artist.publish.phase.${phase.phase}`, {
            done: phase.filesDone,
            total: phase.filesTotal,
            message: phase.message ?? '',
          })}
        </p>
      )}
      {error && (
        <p role="alert" className="status-error">
          {t('artist.publish.error', { message: error })}
        </p>
      )}
      {result && <PublishResultView result={result} />}
    </>
  );
}

function PublishResultView({ result }: { result: PublishResult }) {
  const { t } = useTranslation();
  if (!result.published)
    return (
      <div className="verdict verdict-bad" role="alert" data-testid="publish-rejected">
        <p>{t('artist.publish.rejected')}</p>
        <ul>
          {result.rejected.map((r) => (
            <li key={r.position}>
              {t('artist.publish.rejectedFile', { file: r.fileName, reason: r.reason })}
            </li>
          ))}
        </ul>
      </div>
    );
  return (
    <div className="verdict verdict-ok" role="status" data-testid="publish-result">
      <p>
        <strong>{t('artist.publish.published', { count: result.release.tracks.length })}</strong>
      </p>
      <ul>
        {result.release.tracks.map((tr) => (
          <li key={tr.id}>
            {tr.title} · {formatDuration(tr.durationMs)} · {t(`artist.publish.${tr.status}`)}
          </li>
        ))}
      </ul>
      {result.resumed > 0 && (
        <p className="muted">{t('artist.publish.resumed', { count: result.resumed })}</p>
      )}
    </div>
  );
}
