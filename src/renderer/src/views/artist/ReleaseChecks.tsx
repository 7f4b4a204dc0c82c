import { useTranslation } from 'react-i18next';
import type { ReleaseDraft, ReleaseProblem } from '../../../../shared/contract/release';
import type { ReleasePreview } from './useReleasePreview';

/** Each problem the checks found, with the tracks it concerns and how to fix it. */
export function Problems({ problems, draft }: { problems: ReleaseProblem[]; draft: ReleaseDraft }) {
  const { t } = useTranslation();
  const titleAt = (p: number) => draft.tracks.find((x) => x.position === p)?.title || String(p);
  if (problems.length === 0) return <p className="status-ok">{t('artist.preview.noProblems')}</p>;
  return (
    <ul className="release-problems" data-testid="release-problems">
      {problems.map((p, i) => (
        <li key={`${p.code}-${i}`} className={`problem problem-${p.severity}`} data-code={p.code}>
          <span className={`badge badge-${p.severity}`}>{t(`artist.severity.${p.severity}`)}</span>
          <div>
            <p className="problem-message">
              {p.message}
              {p.positions.length > 0 && (
                <span className="muted"> — {p.positions.map(titleAt).join(', ')}</span>
              )}
            </p>
            <p className="problem-fix">
              <strong>{t('artist.preview.howToFix')}</strong> {p.fix}
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The loudness target field; an invalid value is flagged and the checks keep the last valid one. */
export function TargetField({ preview }: { preview: ReleasePreview }) {
  const { t } = useTranslation();
  const { target } = preview;
  return (
    <div className="release-target">
      <label className="inline-field">
        <span>{t('artist.preview.target')}</span>
        <input
          type="number"
          min={-40}
          max={0}
          step={0.5}
          value={preview.targetText}
          onChange={(e) => preview.setTargetText(e.target.value)}
          aria-invalid={target === null || undefined}
          aria-describedby="target-help"
          data-testid="target-lufs"
        />
      </label>
      <small id="target-help" className="muted">
        {target === null
          ? t('artist.preview.targetInvalid')
          : t('artist.preview.targetHelp', { tolerance: preview.tolerance })}
      </small>
    </div>
  );
}

/** The checks' heading, their counts and the problems found. */
export function ReleaseChecks({ preview, draft }: { preview: ReleasePreview; draft: ReleaseDraft }) {
  const { t } = useTranslation();
  const checks = preview.checks.data;
  return (
    <>
      <h2 id="checks-title">{t('artist.preview.checks')}</h2>
      {checks && (
        <>
          <p role="status" data-testid="check-counts">
            {t('artist.preview.counts', checks.counts)}
            {!checks.complete && ` ${t('artist.preview.incomplete')}`}
          </p>
          <Problems problems={checks.problems} draft={draft} />
        </>
      )}
    </>
  );
}
