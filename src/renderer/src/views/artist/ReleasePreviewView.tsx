import { useTranslation } from 'react-i18next';
import type { ReleaseDraft } from '../../../../shared/contract/release';
import { OpenFolder } from './OpenFolder';
import { PreviewPlayer } from './PreviewPlayer';
import { PublishPanel } from './PublishPanel';
import { ReleaseCard } from './ReleaseCard';
import { ReleaseChecks, TargetField } from './ReleaseChecks';
import { TrackRows } from './ReleaseTrackRows';
import { useReleasePreview, type ReleasePreview } from './useReleasePreview';
import './artist.css';

/** The release as the co-op catalog will show it, with its checks and free previews. */
export function ReleasePreviewView() {
  const { t } = useTranslation();
  const preview = useReleasePreview();
  const { draftId, draft } = preview;
  const d = draft.data;
  return (
    <section className="view view-scroll release-view" aria-labelledby="release-title">
      <div className="view-head">
        <h1 id="release-title">{t('artist.preview.title')}</h1>
        {d && (
          <button type="button" className="release-close" onClick={preview.close}>
            {t('artist.preview.close')}
          </button>
        )}
      </div>
      {!draftId && (
        <>
          <p className="lead">{t('artist.preview.intro')}</p>
          <OpenFolder />
        </>
      )}
      {draft.error && (
        <p role="alert" className="status-error">
          {t('artist.preview.openError', { reason: draft.error.message })}
        </p>
      )}
      {d && <OpenDraft preview={preview} draft={d} />}
    </section>
  );
}

/** An open draft: its card, the loudness target, its tracks with previews, the checks and publishing. */
function OpenDraft({ preview, draft }: { preview: ReleasePreview; draft: ReleaseDraft }) {
  const { playingTrack, setPlaying } = preview;
  return (
    <>
      <ReleaseCard draft={draft} />
      <TargetField preview={preview} />
      <TrackRows
        draft={draft}
        target={preview.lastTarget}
        tolerance={preview.tolerance}
        playing={preview.playing}
        onPlay={setPlaying}
      />
      {playingTrack && (
        <PreviewPlayer key={playingTrack.position} track={playingTrack} onEnd={() => setPlaying(null)} />
      )}
      <ReleaseChecks preview={preview} draft={draft} />
      <PublishPanel key={draft.draftId} draft={draft} problems={preview.checks.data?.problems} />
    </>
  );
}
