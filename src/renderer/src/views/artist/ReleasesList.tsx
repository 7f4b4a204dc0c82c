import { useTranslation } from 'react-i18next';
import type { CoopRelease } from '../../../../shared/contract/artist';

/** The artist's releases on the co-op, each published one with its unpublish button. */
export function ReleasesList({
  releases,
  note,
  onUnpublish,
}: {
  releases: CoopRelease[] | undefined;
  note: string | null;
  onUnpublish(releaseId: string, title: string): void;
}) {
  const { t } = useTranslation();
  return (
    <div className="artist-releases">
      <h3>{t('artist.publish.releases')}</h3>
      {releases?.length === 0 && <p className="muted">{t('artist.publish.noReleases')}</p>}
      <ul data-testid="artist-releases">
        {releases?.map((r) => (
          <li key={r.releaseId} data-status={r.status}>
            <span>
              {t('artist.publish.releaseLine', {
                title: r.title,
                status: t(`artist.publish.statuses.${r.status}`),
                count: r.tracks.length,
              })}
            </span>
            {r.status === 'published' && (
              <button
                type="button"
                className="small"
                aria-label={t('artist.publish.unpublish', { title: r.title })}
                aria-describedby="unpublish-help"
                onClick={() => onUnpublish(r.releaseId, r.title)}
              >
                {t('artist.publish.unpublishShort')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p id="unpublish-help" className="muted small">
        {t('artist.publish.unpublishHelp')}
      </p>
      {note && <p role="status">{note}</p>}
    </div>
  );
}
