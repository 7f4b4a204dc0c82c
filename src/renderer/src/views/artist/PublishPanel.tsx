import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublishProgress, PublishResult } from '../../../../shared/contract/artist';
import type { ReleaseDraft, ReleaseProblem } from '../../../../shared/contract/release';
import { api } from '../../api/client';
import { useCall, useEvent } from '../../api/queries';
import { formatDuration } from '../../lib/format';
import { describeError } from '../../lib/describe-error';
import { ArtistPicker, useArtistPicker } from './EarningsView';
import './earnings.css';

type Choice = { include: boolean; status: 'paid' | 'free' };
type FileProgress = {
  sent: number;
  total: number;
  state: NonNullable<PublishProgress['fileState']> | 'waiting';
  message: string | null;
};

function ReleasesList({ artistId }: { artistId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const releases = useCall('artist.releases', { artistId });
  const [note, setNote] = useState<string | null>(null);
  const unpublish = async (releaseId: string, title: string) => {
    try {
      await api.call('artist.unpublish', { releaseId });
      setNote(t('artist.publish.unpublished', { title }));
    } catch (e) {
      setNote(describeError(e));
    }
    void client.invalidateQueries({ queryKey: ['artist.releases'] });
    void client.invalidateQueries({ queryKey: ['coop.tracks'] });
  };
  return (
    <div className="artist-releases">
      <h3>{t('artist.publish.releases')}</h3>
      {releases.data?.releases.length === 0 && <p className="muted">{t('artist.publish.noReleases')}</p>}
      <ul data-testid="artist-releases">
        {releases.data?.releases.map((r) => (
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
                onClick={() => void unpublish(r.releaseId, r.title)}
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

/** The release preview's last step: paid/free per track, a confirmation, upload progress per file, the result. */
export function PublishPanel({ draft, problems = [] }: { draft: ReleaseDraft; problems?: ReleaseProblem[] }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const picker = useArtistPicker();
  const [title, setTitle] = useState(draft.title);
  const [choices, setChoices] = useState<Record<number, Choice>>(() =>
    Object.fromEntries(
      draft.tracks.map((tr) => [tr.position, { include: true, status: tr.alwaysFree ? 'free' : 'paid' }]),
    ),
  );
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [phase, setPhase] = useState<PublishProgress | null>(null);
  const [files, setFiles] = useState<Record<number, FileProgress>>({});
  const [result, setResult] = useState<PublishResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  useEvent('artist.publishProgress', (p) => {
    if (p.draftId !== draft.draftId) return;
    setPhase(p);
    const position = p.position;
    if (position !== null && p.fileState) {
      setFiles((f) => ({
        ...f,
        [position]: {
          sent: p.sentBytes,
          total: p.totalBytes,
          state: p.fileState ?? 'uploading',
          message: p.message,
        },
      }));
    }
  });

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
  const artistName = picker.artists.find((a) => a.id === artistId)?.name ?? '';
  const selected = draft.tracks.filter((tr) => choices[tr.position]?.include);
  const statusOf = (position: number, alwaysFree: boolean) =>
    alwaysFree ? 'free' : (choices[position]?.status ?? 'paid');
  // The checks that did not pass (errors and warnings; notes are not failures), named in the confirmation.
  const failed = problems.filter((p) => p.severity !== 'info');
  const paidCount = selected.filter((tr) => statusOf(tr.position, tr.alwaysFree) === 'paid').length;
  const set = (position: number, patch: Partial<Choice>) =>
    setChoices((c) => ({
      ...c,
      [position]: { ...(c[position] ?? { include: true, status: 'paid' }), ...patch },
    }));

  const publish = async () => {
    setConfirming(false);
    setBusy(true);
    setError(null);
    setResult(null);
    setFiles(
      Object.fromEntries(
        selected.map((tr) => [tr.position, { sent: 0, total: 0, state: 'waiting', message: null }]),
      ),
    );
    try {
      const answer = await api.call('artist.publish', {
        draftId: draft.draftId,
        artistId,
        title: title.trim(),
        tracks: selected.map((tr) => ({
          position: tr.position,
          status: statusOf(tr.position, tr.alwaysFree),
        })),
      });
      setResult(answer);
      if (answer.published) {
        void client.invalidateQueries({ queryKey: ['coop.tracks'] });
        void api.call('sync.now', {}).catch(() => undefined);
      }
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
      void client.invalidateQueries({ queryKey: ['artist.releases'] });
    }
  };

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
          <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="publish-title-input" />
        </label>
      </div>
      <table
        className="simple-table publish-tracks"
        aria-label={t('artist.publish.tracksLabel')}
        data-testid="publish-tracks"
      >
        <thead>
          <tr>
            <th scope="col">{t('artist.publish.include')}</th>
            <th scope="col">{t('tracks.columns.title')}</th>
            <th scope="col" className="num">
              {t('tracks.columns.duration')}
            </th>
            <th scope="col">{t('artist.publish.status')}</th>
            <th scope="col">{t('artist.publish.uploadColumn')}</th>
          </tr>
        </thead>
        <tbody>
          {draft.tracks.map((tr) => {
            const name = tr.title || tr.fileName;
            const c = choices[tr.position];
            const f = files[tr.position];
            return (
              <tr key={tr.position} data-position={tr.position}>
                <td>
                  <input
                    type="checkbox"
                    checked={c?.include ?? false}
                    disabled={busy}
                    onChange={(e) => set(tr.position, { include: e.target.checked })}
                    aria-label={t('artist.publish.includeTrack', { title: name })}
                  />
                </td>
                <td>{name}</td>
                <td className="num">{formatDuration(tr.durationMs)}</td>
                <td>
                  {tr.alwaysFree ? (
                    <span className="badge badge-free" data-testid="always-free">
                      {t('artist.publish.alwaysFree')}
                    </span>
                  ) : (
                    <select
                      value={c?.status ?? 'paid'}
                      disabled={busy}
                      onChange={(e) => set(tr.position, { status: e.target.value as 'paid' | 'free' })}
                      aria-label={t('artist.publish.statusOf', { title: name })}
                    >
                      <option value="paid">{t('artist.publish.paid')}</option>
                      <option value="free">{t('artist.publish.free')}</option>
                    </select>
                  )}
                </td>
                <td className="upload-cell">
                  {f && (
                    <>
                      <progress
                        max={Math.max(1, f.total)}
                        value={f.state === 'accepted' ? Math.max(1, f.total) : f.sent}
                        aria-label={t('artist.publish.progressLabel', { file: tr.fileName })}
                      />{' '}
                      <span
                        className={f.state === 'rejected' ? 'status-error' : 'muted'}
                        data-testid="upload-state"
                      >
                        {t(`artist.publish.fileState.${f.state}`)}
                      </span>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!confirming && !result?.published && (
        <p>
          <button
            type="button"
            className="primary"
            disabled={busy || selected.length === 0 || !title.trim()}
            onClick={() => setConfirming(true)}
            data-testid="publish-review"
          >
            {t('artist.publish.review')}
          </button>
          {selected.length === 0 && <span className="muted"> {t('artist.publish.nothing')}</span>}
        </p>
      )}
      {confirming && (
        <div className="publish-confirm" role="group" aria-labelledby="publish-question">
          <p id="publish-question">
            {t('artist.publish.confirm', {
              count: selected.length,
              title: title.trim(),
              artist: artistName,
              paid: paidCount,
              free: selected.length - paidCount,
            })}
          </p>
          {failed.length > 0 && (
            <div className="publish-failed-checks" data-testid="publish-failed-checks">
              <p>
                <strong>{t('artist.publish.failedChecks', { count: failed.length })}</strong>
              </p>
              <ul>
                {failed.map((p, i) => (
                  <li key={`${p.code}-${i}`} data-code={p.code}>
                    {t(`artist.severity.${p.severity}`)}: {p.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="dialog-actions">
            <button
              ref={confirmRef}
              type="button"
              className="primary"
              onClick={() => void publish()}
              data-testid="publish-confirm"
            >
              {t('artist.publish.confirmButton')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('artist.publish.cancel')}
            </button>
          </div>
        </div>
      )}
      {phase && (busy || phase.phase === 'failed') && (
        <p role="status" data-testid="publish-phase">
          {t(`artist.publish.phase.${phase.phase}`, {
            done: phase.filesDone,
            total: phase.filesTotal,
            message: phase.message ?? '',
          })}
        </p>
      )}
      {error && (
        <p role="alert" className="status-error">
          {t('artist.publish.error', { message: error })}
        </p>
      )}
      {result && result.published && (
        <div className="verdict verdict-ok" role="status" data-testid="publish-result">
          <p>
            <strong>{t('artist.publish.published', { count: result.release.tracks.length })}</strong>
          </p>
          <ul>
            {result.release.tracks.map((tr) => (
              <li key={tr.id}>
                {tr.title} · {formatDuration(tr.durationMs)} · {t(`artist.publish.${tr.status}`)}
              </li>
            ))}
          </ul>
          {result.resumed > 0 && (
            <p className="muted">{t('artist.publish.resumed', { count: result.resumed })}</p>
          )}
        </div>
      )}
      {result && !result.published && (
        <div className="verdict verdict-bad" role="alert" data-testid="publish-rejected">
          <p>{t('artist.publish.rejected')}</p>
          <ul>
            {result.rejected.map((r) => (
              <li key={r.position}>
                {t('artist.publish.rejectedFile', { file: r.fileName, reason: r.reason })}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ReleasesList artistId={artistId} />
    </section>
  );
}
