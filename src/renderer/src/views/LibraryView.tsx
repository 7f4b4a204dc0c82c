import { useTranslation } from 'react-i18next';
import { useCall } from '../api/queries';
import { AddFolder } from '../components/Folders';
import { LibraryStatus } from '../components/LibraryStatus';
import { WindowedTrackTable } from '../components/LocalTrackTable';
import { useLibraryView } from '../store/library';

/** First run: no folder yet. */
function FirstRun() {
  const { t } = useTranslation();
  return (
    <section className="view first-run" aria-labelledby="first-run-title">
      <h1 id="first-run-title">{t('firstRun.title')}</h1>
      <p className="lead">{t('firstRun.intro')}</p>
      <AddFolder />
      <LibraryStatus />
    </section>
  );
}

/** All tracks: the virtualized, sortable, searchable table. */
export function LibraryView() {
  const { t } = useTranslation();
  const folders = useCall('library.folders', {});
  const { search, sort, direction, sortBy } = useLibraryView();
  const base = { sort, direction, ...(search ? { search } : {}) };
  const count = useCall('library.tracks', { ...base, offset: 0, limit: 200 }, { keepPrevious: true });
  if (folders.error) {
    return (
      <section className="view">
        <p role="alert" className="status-error">
          {t('errors.unavailable')}
        </p>
      </section>
    );
  }
  if (folders.data && folders.data.length === 0) return <FirstRun />;
  const total = count.data?.total;
  return (
    <section className="view view-fill" aria-labelledby="library-title">
      <div className="view-head">
        <h1 id="library-title">{t('nav.library')}</h1>
        {total !== undefined && (
          <span className="muted" role="status" data-testid="track-count">
            {search ? t('tracks.matching', { count: total, search }) : t('tracks.count', { count: total })}
          </span>
        )}
      </div>
      <LibraryStatus />
      {/* A new search is a new list: selection and scroll start afresh. */}
      <WindowedTrackTable key={search} base={base} label={t('tracks.label')} onSort={sortBy} />
    </section>
  );
}
