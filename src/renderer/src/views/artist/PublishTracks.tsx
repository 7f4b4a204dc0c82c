import { useTranslation } from 'react-i18next';
import type { ReleaseDraft } from '../../../../shared/contract/release';
import { formatDuration } from '../../lib/format';
import type { Choice, FileProgress } from './usePublish';

type DraftTrack = ReleaseDraft['tracks'][number];

/** The draft's tracks: include or not, paid or free, and each file's upload progress. */
export function PublishTracks({
  tracks,
  choices,
  files,
  busy,
  onChoice,
}: {
  tracks: DraftTrack[];
  choices: Record<number, Choice>;
  files: Record<number, FileProgress>;
  busy: boolean;
  onChoice(position: number, patch: Partial<Choice>): void;
}) {
  const { t } = useTranslation();
  return (
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
        {tracks.map((tr) => (
          <TrackRow
            key={tr.position}
            track={tr}
            choice={choices[tr.position]}
            file={files[tr.position]}
            busy={busy}
            onChoice={(patch) => onChoice(tr.position, patch)}
          />
        ))}
      </tbody>
    </table>
  );
}

function TrackRow({
  track: tr,
  choice: c,
  file: f,
  busy,
  onChoice,
}: {
  track: DraftTrack;
  choice: Choice | undefined;
  file: FileProgress | undefined;
  busy: boolean;
  onChoice(patch: Partial<Choice>): void;
}) {
  const { t } = useTranslation();
  const name = tr.title || tr.fileName;
  return (
    <tr data-position={tr.position}>
      <td>
        <input
          type="checkbox"
          checked={c?.include ?? false}
          disabled={busy}
          onChange={(e) => onChoice({ include: e.target.checked })}
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
            onChange={(e) => onChoice({ status: e.target.value as 'paid' | 'free' })}
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
            <span className={f.state === 'rejected' ? 'status-error' : 'muted'} data-testid="upload-state">
              {t(`artist.publish.fileState.${f.state}`)}
            </span>
          </>
        )}
      </td>
    </tr>
  );
}
