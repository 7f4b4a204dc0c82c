import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryProblem } from '../../../shared/contract/library';
import { useCall } from '../api/queries';

/** Rows per page: every problem is reachable, page by page, and the heading shows the true total. */
export const PROBLEMS_PAGE = 200;

/** Files that could not be added, with their reason. */
export function ProblemsView() {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const problems = useCall('library.problems', { offset, limit: PROBLEMS_PAGE }, { keepPrevious: true });
  const rows: LibraryProblem[] = problems.data?.rows ?? [];
  const total = problems.data?.total ?? 0;
  // The list shrank below this page (a rescan fixed files): back to the last page.
  if (problems.data && offset > 0 && offset >= total) setOffset(Math.max(0, Math.floor((total - 1) / PROBLEMS_PAGE) * PROBLEMS_PAGE));
  const pager = total > PROBLEMS_PAGE && (
    <nav className="button-row pager" aria-label={t('problems.pages')}>
      <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PROBLEMS_PAGE))}>
        {t('problems.previous')}
      </button>
      <span role="status" data-testid="problems-range">
        {t('problems.range', { from: offset + 1, to: Math.min(total, offset + PROBLEMS_PAGE), total })}
      </span>
      <button type="button" disabled={offset + PROBLEMS_PAGE >= total} onClick={() => setOffset(offset + PROBLEMS_PAGE)}>
        {t('problems.next')}
      </button>
    </nav>
  );
  return (
    <section className="view view-scroll" aria-labelledby="problems-title">
      <h1 id="problems-title">{t('problems.title')}</h1>
      <p className="muted">{t('problems.intro')}</p>
      {problems.error && <p role="alert">{t('errors.generic', { message: problems.error.message })}</p>}
      {problems.data && total === 0 && <p>{t('problems.none')}</p>}
      {total > 0 && (
        <p data-testid="problems-total">{t('problems.total', { count: total })}</p>
      )}
      {pager}
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
