import { useTranslation } from 'react-i18next';
import type { ArtistMembership } from '../../../../shared/contract/artist';

/** This year's co-op membership earned by the artist's share, as a progress bar. */
export function Membership({
  membership: m,
  error,
}: {
  membership: ArtistMembership | undefined;
  error: Error | null;
}) {
  const { t } = useTranslation();
  if (error) return <p className="muted">{t('artist.unavailable', { message: error.message })}</p>;
  if (!m) return <p className="muted">{t('grid.loading')}</p>;
  const a = m.artist;
  if (!a) return <p>{t('artist.earnings.noArtistMembership')}</p>;
  return (
    <div data-testid="artist-membership">
      <p>
        <strong>
          {a.member
            ? t('artist.earnings.member', { year: m.year })
            : t('artist.earnings.notMember', { year: m.year })}
        </strong>
      </p>
      <div className="progress-line">
        <progress max={100} value={a.progressPercent} aria-label={t('artist.earnings.progressLabel')} />
        <span>
          {t('artist.earnings.progress', {
            earned: a.earnedEuros,
            threshold: a.thresholdEuros,
            percent: a.progressPercent,
          })}
        </span>
      </div>
    </div>
  );
}
