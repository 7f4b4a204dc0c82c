import { useTranslation } from 'react-i18next';
import { useCall } from '../../api/queries';
import { currentItem, usePlayer } from '../../player/store';

/** "Compatible keys" for the track playing: same, ±1 on the wheel, relative major/minor; a click filters by them. */
export function CompatibleKeys({
  notation,
  onFilter,
}: {
  notation: 'camelot' | 'musical';
  onFilter(query: string): void;
}) {
  const { t } = useTranslation();
  const current = usePlayer((s) => currentItem(s)?.track ?? null);
  const localId = current?.localId ?? null;
  const details = useCall('library.track', { id: localId ?? 0 }, { enabled: localId !== null });
  const key = localId !== null ? details.data?.key || null : null;
  const compatible = useCall('dj.compatibleKeys', { key: key ?? 'x' }, { enabled: !!key });
  if (!current) return null;
  if (!key || !compatible.data) {
    return (
      <p className="dj-compatible muted" data-testid="compatible-keys">
        {t('dj.compatibleNone', { title: current.title })}
      </p>
    );
  }
  const show = (k: { camelot: string; musical: string }) => (notation === 'camelot' ? k.camelot : k.musical);
  const all = compatible.data.compatible.map((k) => `key:${k.camelot}`).join(' OR ');
  return (
    <section className="dj-compatible" aria-labelledby="compatible-title" data-testid="compatible-keys">
      <h2 id="compatible-title">
        {t('dj.compatibleTitle', { title: current.title, key: show(compatible.data.key) })}
      </h2>
      <ul className="chip-row">
        {compatible.data.compatible.map((k) => (
          <li key={`${k.camelot}-${k.relation}`}>
            <button type="button" className="chip" onClick={() => onFilter(`key:${k.camelot}`)}>
              {show(k)} <span className="muted">{t(`dj.relation.${k.relation}`)}</span>
            </button>
          </li>
        ))}
        <li>
          <button type="button" className="chip" onClick={() => onFilter(`(${all})`)}>
            {t('dj.compatibleAll')}
          </button>
        </li>
      </ul>
    </section>
  );
}
