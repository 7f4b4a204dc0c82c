import { useTranslation } from 'react-i18next';
import type { LibraryProblem } from '../../../shared/contract/library';
import { useCall } from '../api/queries';

/** Files that could not be added, with their reason. */
export function ProblemsView() {
  const { t } = useTranslation();
  const problems = useCall('library.problems', { limit: 1000 });
  // TODO(library): `page()` in contract/library.ts loses the row type; make it generic.
  const rows = (problems.data?.rows ?? []) as LibraryProblem[];
  return (
    <section className="view view-scroll" aria-labelledby="problems-title">
      <h1 id="problems-title">{t('problems.title')}</h1>
      <p className="muted">{t('problems.intro')}</p>
      {problems.error && <p role="alert">{t('errors.generic', { message: problems.error.message })}</p>}
      {problems.data && rows.length === 0 && <p>{t('problems.none')}</p>}
      {rows.length > 0 && (
        <table className="simple-table" aria-label={t('problems.label')} data-testid="problems">
          <thead>
            <tr>
              <th scope="col">{t('problems.path')}</th>
              <th scope="col">{t('problems.reason')}</th>
              <th scope="col">{t('problems.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.path}>
                <td className="path-cell">{p.path}</td>
                <td>{t(`problems.reasons.${p.reason}`)}</td>
                <td className="muted">{p.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
