import { useTranslation } from 'react-i18next';
import { useCall, useStream2OwnAvailable } from '../api/queries';
import { useNavigation, type ViewId } from '../store/navigation';
import { CratesSection } from '../views/dj/CratesSection';
import { ArtistSection } from '../views/artist/ArtistSection';

const LIBRARY: ViewId[] = ['library', 'albums', 'artists'];
const STREAM2OWN: ViewId[] = ['coop', 'collection', 'history', 'wallet'];

/** The left-hand navigation; each entry is a real button, reachable by keyboard. */
export function Sidebar() {
  const { t } = useTranslation();
  const { view, go } = useNavigation();
  const s2o = useStream2OwnAvailable();
  const problems = useCall('library.problems', { limit: 1 });
  const item = (id: ViewId, extra?: string) => (
    <li key={id}>
      <button
        type="button"
        className="sidebar-item"
        aria-current={view === id ? 'page' : undefined}
        onClick={() => go(id)}
      >
        {t(`nav.${id}`)}
        {extra && (
          <span className="sidebar-count">
            <span className="visually-hidden">, </span>
            {extra}
          </span>
        )}
      </button>
    </li>
  );
  const problemCount = problems.data?.total ?? 0;
  return (
    <nav className="sidebar" aria-label={t('nav.main')}>
      <div className="sidebar-brand">{t('app.name')}</div>
      <ul>{LIBRARY.map((id) => item(id))}</ul>
      {s2o && <ul className="sidebar-group">{STREAM2OWN.map((id) => item(id))}</ul>}
      <CratesSection />
      <ArtistSection />
      <ul className="sidebar-group">
        {item('account')}
        {item('coopNode')}
        {item('problems', problemCount > 0 ? String(problemCount) : undefined)}
        {item('settings')}
      </ul>
    </nav>
  );
}
