import { useTranslation } from 'react-i18next';
import { useNavigation } from '../../store/navigation';
import './artist.css';

/** The sidebar's "For artists" section. */
export function ArtistSection() {
  const { t } = useTranslation();
  const { view, go } = useNavigation();
  return (
    <section className="sidebar-group crates" aria-labelledby="artist-section-title">
      <h2 id="artist-section-title" className="crates-title">
        {t('artist.section')}
      </h2>
      <ul>
        <li>
          <button
            type="button"
            className="sidebar-item"
            aria-current={view === 'release' ? 'page' : undefined}
            onClick={() => go('release')}
          >
            {t('artist.nav.release')}
          </button>
        </li>
        <li>
          <button
            type="button"
            className="sidebar-item"
            aria-current={view === 'earnings' ? 'page' : undefined}
            onClick={() => go('earnings')}
          >
            {t('artist.nav.earnings')}
          </button>
        </li>
      </ul>
    </section>
  );
}
