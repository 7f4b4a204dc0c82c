import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DEFAULT_TARGET_LUFS,
  type DraftTrack,
  type ReleaseDraft,
  type ReleaseProblem,
} from '../../../../shared/contract/release';
import { api } from '../../api/client';
import { useMediaUrl } from '../../api/media';
import { useCall, useCallMutation } from '../../api/queries';
import { Cover } from '../../components/Cover';
import { formatDuration } from '../../lib/format';
import { describeError } from '../../lib/describe-error';
import { usePlayer } from '../../player/store';
import { useReleaseDraft } from './release-store';
import { PublishPanel } from './PublishPanel';
import { isMultiDisc, trackNumberLabel } from './track-number';
import './artist.css';

/** Open a folder as a draft: path field in the web host, the OS picker in Electron. */
function OpenFolder() {
  const { t } = useTranslation();
  const setDraft = useReleaseDraft((s) => s.setDraft);
  const [path, setPath] = useState('');
  const openDraft = useCallMutation('release.openDraft');
  const busy = openDraft.isPending;
  const error = openDraft.error ? describeError(openDraft.error) : null;
  const open = (folder: string) =>
    openDraft.mutate({ folder }, { onSuccess: (draft) => setDraft(draft.draftId) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (path.trim()) open(path.trim());
  };
  return (
    <div className="release-open">
      {api.host === 'electron' && (
        <button
          type="button"
          className="primary"
          onClick={() =>
            void api
              .call('dialog.pickFolder', { title: t('artist.preview.pick') })
              .then((p) => (p ? open(p) : undefined))
          }
        >
          {t('artist.preview.pick')}
        </button>
      )}
      <form onSubmit={submit} className="field-row">
        <label className="field">
          <span>{t('artist.preview.pathLabel')}</span>
          <input
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/home/you/Releases/My Album"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <button type="submit" disabled={busy || !path.trim()}>
          {t('artist.preview.open')}
        </button>
      </form>
      {error && (
        <p role="alert" className="status-error">
          {t('artist.preview.openError', { reason: error })}
        </p>
      )}
    </div>
  );
}

/** The draft's free preview: played straight from its media URL, never through player.open (no session, no receipt). */
function PreviewPlayer({ track, onEnd }: { track: DraftTrack; onEnd(): void }) {
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

function loudnessOf(track: DraftTrack): number | null {
  return track.measurement.state === 'measured' ? track.measurement.integratedLufs : null;
}

/** A bar from −40 to 0 LUFS with the target marked. */
function LoudnessMeter({
  lufs,
  target,
  tolerance,
}: {
  lufs: number | null;
  target: number;
  tolerance: number;
}) {
  const pct = (v: number) => `${Math.max(0, Math.min(100, ((v + 40) / 40) * 100))}%`;
  const off = lufs === null ? 0 : lufs - target;
  const state = lufs === null ? 'none' : Math.abs(off) <= tolerance ? 'ok' : off > 0 ? 'loud' : 'quiet';
  return (
    <span className={`loudness-meter ${state}`} aria-hidden="true">
      <span
        className="loudness-band"
        style={{ left: pct(target - tolerance), width: `${(tolerance * 2 * 100) / 40}%` }}
      />
      {lufs !== null && <span className="loudness-value" style={{ width: pct(lufs) }} />}
      <span className="loudness-target" style={{ left: pct(target) }} />
    </span>
  );
}

function TrackRows({
  draft,
  target,
  tolerance,
  playing,
  onPlay,
}: {
  draft: ReleaseDraft;
  target: number;
  tolerance: number;
  playing: number | null;
  onPlay(p: number | null): void;
}) {
  const { t } = useTranslation();
  const multiDisc = isMultiDisc(draft.tracks);
  return (
    <table
      className="simple-table release-tracks"
      aria-label={t('artist.preview.tracksLabel')}
      data-testid="release-tracks"
    >
      <thead>
        <tr>
          <th scope="col">{t('tracks.columns.number')}</th>
          <th scope="col">{t('tracks.columns.title')}</th>
          <th scope="col">{t('tracks.columns.artist')}</th>
          <th scope="col" className="num">
            {t('tracks.columns.duration')}
          </th>
          <th scope="col">{t('tracks.columns.format')}</th>
          <th scope="col">{t('artist.preview.loudness')}</th>
          <th scope="col">{t('artist.preview.previewColumn')}</th>
        </tr>
      </thead>
      <tbody>
        {draft.tracks.map((tr) => {
          const lufs = loudnessOf(tr);
          const m = tr.measurement;
          return (
            <tr key={tr.position} data-position={tr.position}>
              <td className="num" data-testid="track-number">
                {trackNumberLabel(tr, multiDisc) ?? (
                  <span className="muted" title={t('artist.preview.noTrackNumber')}>
                    —
                  </span>
                )}
              </td>
              <td>
                {tr.title || <span className="muted">{tr.fileName}</span>}
                {tr.alwaysFree && <span className="badge badge-free">{t('artist.preview.alwaysFree')}</span>}
              </td>
              <td>{tr.artist}</td>
              <td className="num">{formatDuration(tr.durationMs)}</td>
              <td className="muted">
                {tr.codec}
                {tr.bitrate ? ` · ${Math.round(tr.bitrate / 1000)} kbit/s` : ''}
                {tr.sampleRate ? ` · ${(tr.sampleRate / 1000).toFixed(1)} kHz` : ''}
              </td>
              <td className="loudness-cell">
                {m.state === 'pending' && <span className="muted">{t('artist.preview.measuring')}</span>}
                {m.state === 'not_measured' && (
                  <span className="muted">{t('artist.preview.notMeasured')}</span>
                )}
                {m.state === 'measured' && (
                  <>
                    <LoudnessMeter lufs={lufs} target={target} tolerance={tolerance} />
                    <span data-testid="lufs">
                      {lufs === null
                        ? t('artist.preview.silent')
                        : t('artist.preview.lufs', {
                            value: lufs.toFixed(1),
                            diff: (lufs - target > 0 ? '+' : '') + (lufs - target).toFixed(1),
                          })}
                    </span>
                    {m.clippedSamples > 0 && (
                      <span className="badge badge-error">{t('artist.preview.clipped')}</span>
                    )}
                  </>
                )}
              </td>
              <td>
                <button
                  type="button"
                  aria-pressed={playing === tr.position}
                  aria-label={t(
                    playing === tr.position ? 'artist.preview.stopTrack' : 'artist.preview.playTrack',
                    { title: tr.title || tr.fileName },
                  )}
                  onClick={() => onPlay(playing === tr.position ? null : tr.position)}
                >
                  {playing === tr.position ? '■' : '▶'}
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Problems({ problems, draft }: { problems: ReleaseProblem[]; draft: ReleaseDraft }) {
  const { t } = useTranslation();
  const titleAt = (p: number) => draft.tracks.find((x) => x.position === p)?.title || String(p);
  if (problems.length === 0) return <p className="status-ok">{t('artist.preview.noProblems')}</p>;
  return (
    <ul className="release-problems" data-testid="release-problems">
      {problems.map((p, i) => (
        <li key={`${p.code}-${i}`} className={`problem problem-${p.severity}`} data-code={p.code}>
          <span className={`badge badge-${p.severity}`}>{t(`artist.severity.${p.severity}`)}</span>
          <div>
            <p className="problem-message">
              {p.message}
              {p.positions.length > 0 && (
                <span className="muted"> — {p.positions.map(titleAt).join(', ')}</span>
              )}
            </p>
            <p className="problem-fix">
              <strong>{t('artist.preview.howToFix')}</strong> {p.fix}
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The release as the co-op catalog will show it, with its checks and free previews. */
export function ReleasePreviewView() {
  const { t } = useTranslation();
  const { draftId, setDraft } = useReleaseDraft();
  const closeDraft = useCallMutation('release.closeDraft');
  const [targetText, setTargetText] = useState(String(DEFAULT_TARGET_LUFS));
  const [playing, setPlaying] = useState<number | null>(null);
  const targetNumber = Number(targetText);
  const target =
    Number.isFinite(targetNumber) && targetNumber >= -40 && targetNumber <= 0 && targetText.trim() !== ''
      ? targetNumber
      : null;
  const [lastTarget, setLastTarget] = useState(DEFAULT_TARGET_LUFS);
  if (target !== null && target !== lastTarget) setLastTarget(target);
  const draft = useCall('release.draft', { draftId: draftId ?? 'none' }, { enabled: !!draftId });
  const checks = useCall(
    'release.checks',
    { draftId: draftId ?? 'none', targetLufs: lastTarget },
    { enabled: !!draftId, keepPrevious: true },
  );
  const close = () => {
    // Closing frees the main process's copy; the view forgets the draft whether or not that worked.
    if (draftId) closeDraft.mutate({ draftId });
    setPlaying(null);
    setDraft(null);
  };
  const d = draft.data;
  const playingTrack = d && playing !== null ? d.tracks.find((x) => x.position === playing) : undefined;

  return (
    <section className="view view-scroll release-view" aria-labelledby="release-title">
      <div className="view-head">
        <h1 id="release-title">{t('artist.preview.title')}</h1>
        {d && (
          <button type="button" className="release-close" onClick={close}>
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
      {d && (
        <>
          <div className="release-card" data-testid="release-card">
            <Cover
              path={d.artwork?.mediaPath}
              alt={t('artist.preview.artworkOf', { title: d.title })}
              size={180}
            />
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
              {d.analysis.done < d.analysis.total && (
                <p role="status">
                  <progress
                    max={d.analysis.total}
                    value={d.analysis.done}
                    aria-label={t('artist.preview.analysing')}
                  />{' '}
                  {t('artist.preview.analysis', { done: d.analysis.done, total: d.analysis.total })}
                </p>
              )}
            </div>
          </div>
          <div className="release-target">
            <label className="inline-field">
              <span>{t('artist.preview.target')}</span>
              <input
                type="number"
                min={-40}
                max={0}
                step={0.5}
                value={targetText}
                onChange={(e) => setTargetText(e.target.value)}
                aria-invalid={target === null || undefined}
                aria-describedby="target-help"
                data-testid="target-lufs"
              />
            </label>
            <small id="target-help" className="muted">
              {target === null
                ? t('artist.preview.targetInvalid')
                : t('artist.preview.targetHelp', { tolerance: checks.data?.toleranceLu ?? 2 })}
            </small>
          </div>
          <TrackRows
            draft={d}
            target={lastTarget}
            tolerance={checks.data?.toleranceLu ?? 2}
            playing={playing}
            onPlay={setPlaying}
          />
          {playingTrack && (
            <PreviewPlayer key={playingTrack.position} track={playingTrack} onEnd={() => setPlaying(null)} />
          )}
          <h2 id="checks-title">{t('artist.preview.checks')}</h2>
          {checks.data && (
            <>
              <p role="status" data-testid="check-counts">
                {t('artist.preview.counts', checks.data.counts)}
                {!checks.data.complete && ` ${t('artist.preview.incomplete')}`}
              </p>
              <Problems problems={checks.data.problems} draft={d} />
            </>
          )}
          <PublishPanel key={d.draftId} draft={d} problems={checks.data?.problems} />
        </>
      )}
    </section>
  );
}
