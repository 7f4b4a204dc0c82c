import { useTranslation } from 'react-i18next';
import type { ReleaseDraft, ReleaseProblem } from '../../../../shared/contract/release';
import { useCall } from '../../api/queries';
import { ArtistPicker } from './ArtistPicker';
import { PublishConfirm, PublishOutcome } from './PublishOutcome';
import { PublishTracks } from './PublishTracks';
import { ReleasesList } from './ReleasesList';
import { useArtistPicker } from './useArtistPicker';
import { usePublish, useUnpublish, type PublishState } from './usePublish';
import './earnings.css';

/** The release preview's last step: paid/free per track, a confirmation, upload progress per file, the result. */
export function PublishPanel({ draft, problems = [] }: { draft: ReleaseDraft; problems?: ReleaseProblem[] }) {
  const { t } = useTranslation();
  const picker = useArtistPicker();
  const publish = usePublish(draft, picker.artistId);
  if (picker.loading) return null;
  if (!picker.signedIn || !picker.artistId) {
    return (
      <section className="publish-panel" aria-labelledby="publish-title">
        <h2 id="publish-title">{t('artist.publish.title')}</h2>
        <p>{picker.signedIn ? t('artist.noProfiles') : t('artist.needsAccount')}</p>
      </section>
    );
  }
  const artistId = picker.artistId;
  return (
    <section className="publish-panel" aria-labelledby="publish-title" data-testid="publish-panel">
      <h2 id="publish-title">{t('artist.publish.title')}</h2>
      <p className="muted">{t('artist.publish.intro')}</p>
      <div className="earnings-controls">
        <ArtistPicker
          artists={picker.artists}
          artistId={artistId}
          onChange={picker.setArtistId}
          testId="publish-artist"
        />
        <label className="inline-field">
          <span>{t('artist.publish.releaseTitle')}</span>
          <input
            value={publish.title}
            onChange={(e) => publish.setTitle(e.target.value)}
            data-testid="publish-title-input"
          />
        </label>
      </div>
      <PublishTracks
        tracks={draft.tracks}
        choices={publish.choices}
        files={publish.files}
        busy={publish.busy}
        onChoice={publish.setChoice}
      />
      <PublishSteps
        publish={publish}
        artistName={picker.artists.find((a) => a.id === artistId)?.name ?? ''}
        // The checks that did not pass (errors and warnings; notes are not failures), named in the confirmation.
        failed={problems.filter((p) => p.severity !== 'info')}
      />
      <ArtistReleases artistId={artistId} />
    </section>
  );
}

/** Review → confirm → progress → result. */
function PublishSteps({
  publish: p,
  artistName,
  failed,
}: {
  publish: PublishState;
  artistName: string;
  failed: ReleaseProblem[];
}) {
  const { t } = useTranslation();
  const title = p.title.trim();
  return (
    <>
      {!p.confirming && !p.result?.published && (
        <p>
          <button
            type="button"
            className="primary"
            disabled={p.busy || p.selected.length === 0 || !title}
            onClick={() => p.setConfirming(true)}
            data-testid="publish-review"
          >
            {t('artist.publish.review')}
          </button>
          {p.selected.length === 0 && <span className="muted"> {t('artist.publish.nothing')}</span>}
        </p>
      )}
      {p.confirming && (
        <PublishConfirm
          question={t('artist.publish.confirm', {
            count: p.selected.length,
            title,
            artist: artistName,
            paid: p.paidCount,
            free: p.selected.length - p.paidCount,
          })}
          failed={failed}
          onConfirm={p.publish}
          onCancel={() => p.setConfirming(false)}
        />
      )}
      <PublishOutcome phase={p.phase} busy={p.busy} error={p.error} result={p.result} />
    </>
  );
}

function ArtistReleases({ artistId }: { artistId: string }) {
  const { t } = useTranslation();
  const releases = useCall('artist.releases', { artistId });
  const { note, unpublish } = useUnpublish();
  return (
    <ReleasesList
      releases={releases.data?.releases}
      note={note}
      onUnpublish={(releaseId, title) => unpublish(releaseId, t('artist.publish.unpublished', { title }))}
    />
  );
}
