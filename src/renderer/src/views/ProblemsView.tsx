import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryProblem, LibraryTrack } from '../../../shared/contract/library';
import { useCall } from '../api/queries';
import { RelocateMarker } from './dj/RelocateMarker';

/** Rows per page: every problem is reachable, page by page, and the heading shows the true total. */
export const PROBLEMS_PAGE = 200;

/** Files that could not be added, with their reason; and tracks whose file is missing, with Relocate. */
export function ProblemsView() {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const problems = useCall('library.problems', { offset, limit: PROBLEMS_PAGE }, { keepPrevious: true });
  const rows: LibraryProblem[] = problems.data?.rows ?? [];
  const total = problems.data?.total ?? 0;
  // The list shrank below this page (a rescan fixed files): back to the last page.
  if (problems.data && offset > 0 && offset >= total)
    setOffset(Math.max(0, Math.floor((total - 1) / PROBLEMS_PAGE) * PROBLEMS_PAGE));
  return (
    <section className="view view-scroll" aria-labelledby="problems-title">
      <h1 id="problems-title">{t('problems.title')}</h1>
      <p className="muted">{t('problems.intro')}</p>
      {problems.error && <p role="alert">{t('errors.generic', { message: problems.error.message })}</p>}
      {problems.data && total === 0 && <p>{t('problems.none')}</p>}
      {total > 0 && <p data-testid="problems-total">{t('problems.total', { count: total })}</p>}
      <Pager
        label={t('problems.pages')}
        offset={offset}
        total={total}
        onOffset={setOffset}
        testId="problems-range"
      />
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
      <MissingTracks />
    </section>
  );
}

/** Tracks whose file is gone (moved or deleted outside the app): kept with their plays, each with Relocate. */
function MissingTracks() {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const missing = useCall(
    'library.tracks',
    { status: 'missing', sort: 'path', offset, limit: PROBLEMS_PAGE },
    { keepPrevious: true },
  );
  const rows: LibraryTrack[] = missing.data?.rows ?? [];
  const total = missing.data?.total ?? 0;
  if (missing.data && offset > 0 && offset >= total)
    setOffset(Math.max(0, Math.floor((total - 1) / PROBLEMS_PAGE) * PROBLEMS_PAGE));
  if (total === 0) return null;
  return (
    <>
      <h2 id="missing-title">{t('problems.missing.title')}</h2>
      <p className="muted" data-testid="missing-total">
        {t('problems.missing.intro', { count: total })}
      </p>
      <Pager
        label={t('problems.missing.pages')}
        offset={offset}
        total={total}
        onOffset={setOffset}
        testId="missing-range"
      />
      <table className="simple-table" aria-labelledby="missing-title" data-testid="missing">
        <thead>
          <tr>
            <th scope="col">{t('problems.path')}</th>
            <th scope="col">{t('problems.missing.track')}</th>
            <th scope="col">{t('problems.missing.action')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((track) => (
            <tr key={track.id}>
              <td className="path-cell">{track.path}</td>
              <td>{track.artist ? `${track.artist} – ${track.title}` : track.title}</td>
              <td>
                <RelocateMarker track={track} label={t('problems.missing.relocate')} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Pager({
  label,
  offset,
  total,
  onOffset,
  testId,
}: {
  label: string;
  offset: number;
  total: number;
  onOffset(offset: number): void;
  testId: string;
}): ReactNode {
  const { t } = useTranslation();
  if (total <= PROBLEMS_PAGE) return null;
  return (
    <nav className="button-row pager" aria-label={label}>
      <button
        type="button"
        disabled={offset === 0}
        onClick={() => onOffset(Math.max(0, offset - PROBLEMS_PAGE))}
      >
        {t('problems.previous')}
      </button>
      <span role="status" data-testid={testId}>
        {t('problems.range', { from: offset + 1, to: Math.min(total, offset + PROBLEMS_PAGE), total })}
      </span>
      <button
        type="button"
        disabled={offset + PROBLEMS_PAGE >= total}
        onClick={() => onOffset(offset + PROBLEMS_PAGE)}
      >
        {t('problems.next')}
      </button>
    </nav>
  );
}
