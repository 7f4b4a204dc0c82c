import { useTranslation } from 'react-i18next';
import { useNavigation, type ViewId } from '../store/navigation';

const ITEMS: { id: ViewId; labelKey: `nav.${ViewId}` }[] = [{ id: 'settings', labelKey: 'nav.settings' }];

/** The left-hand navigation; each entry is a real button, reachable by keyboard. */
export function Sidebar() {
  const { t } = useTranslation();
  const { view, go } = useNavigation();
  return (
    <nav className="sidebar" aria-label={t('nav.main')}>
      <div className="sidebar-brand">{t('app.name')}</div>
      <ul>
        {ITEMS.map((item) => (
          <li key={item.id}>
            <button
              type="button"
              className="sidebar-item"
              aria-current={view === item.id ? 'page' : undefined}
              onClick={() => go(item.id)}
            >
              {t(item.labelKey)}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
