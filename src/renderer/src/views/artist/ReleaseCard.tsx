import { useTranslation } from 'react-i18next';
import type { ReleaseDraft } from '../../../../shared/contract/release';
import { Cover } from '../../components/Cover';
import { formatDuration } from '../../lib/format';

/** The release as the catalog shows it: artwork, title, artist, year, length, and the analysis progress. */
export function ReleaseCard({ draft: d }: { draft: ReleaseDraft }) {
  const { t } = useTranslation();
  return (
    <div className="release-card" data-testid="release-card">
      <Cover path={d.artwork?.mediaPath} alt={t('artist.preview.artworkOf', { title: d.title })} size={180} />
      <div>
        <p className="muted release-kicker">{t('artist.preview.asCatalog')}</p>
        <h2 className="release-name">{d.title || t('artist.preview.untitled')}</h2>
        <p className="release-artist">{d.albumArtist}</p>
        <p className="muted">
          {[d.year, t('tracks.count', { count: d.tracks.length }), formatDuration(d.totalDurationMs)]
            .filter(Boolean)
            .join(' · ')}
        </p>
        {d.artwork && d.artwork.width && (
          <p className="muted">
            {t('artist.preview.artworkSize', {
              width: d.artwork.width,
              height: d.artwork.height ?? 0,
              format: d.artwork.format,
            })}
          </p>
        )}
        <p className="muted mono release-folder">{d.folder}</p>
        <AnalysisProgress analysis={d.analysis} />
      </div>
    </div>
  );
}

function AnalysisProgress({ analysis }: { analysis: ReleaseDraft['analysis'] }) {
  const { t } = useTranslation();
  if (analysis.done >= analysis.total) return null;
  return (
    <p role="status">
      <progress max={analysis.total} value={analysis.done} aria-label={t('artist.preview.analysing')} />{' '}
      {t('artist.preview.analysis', { done: analysis.done, total: analysis.total })}
    </p>
  );
}
