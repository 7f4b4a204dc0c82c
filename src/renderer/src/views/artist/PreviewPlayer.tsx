import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { DraftTrack } from '../../../../shared/contract/release';
import { useMediaUrl } from '../../api/media';
import { usePlayer } from '../../player/store';

/** The draft's free preview: played straight from its media URL, never through player.open (no session, no receipt). */
export function PreviewPlayer({ track, onEnd }: { track: DraftTrack; onEnd(): void }) {
  const { t } = useTranslation();
  const url = useMediaUrl(track.mediaPath);
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    usePlayer.getState().pause();
    void ref.current?.play().catch(() => undefined);
  }, [url]);
  if (!url) return null;
  return (
    <div className="release-preview-player" role="region" aria-label={t('artist.preview.player')}>
      <span>
        {t('artist.preview.playing', { title: track.title || track.fileName })}{' '}
        <span className="muted">{t('artist.preview.free')}</span>
      </span>
      <audio
        ref={ref}
        src={url}
        controls
        onEnded={onEnd}
        data-testid="preview-audio"
        aria-label={t('artist.preview.player')}
      />
      <button type="button" onClick={onEnd}>
        {t('artist.preview.stop')}
      </button>
    </div>
  );
}
