import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { issueText } from '../lib/issues';
import { useCall, useCallMutation } from '../api/queries';
import { AddFolder, FolderList } from '../components/Folders';
import { LibraryStatus } from '../components/LibraryStatus';

const CROSSFADE_CHOICES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** Settings and "about": the first screen that proves the renderer reaches the main process. */
export function SettingsView() {
  const { t } = useTranslation();
  const info = useCall('app.info', {});
  const settings = useCall('settings.get', {});
  const update = useCallMutation('settings.update');
  const [status, setStatus] = useState<Status | null>(null);

  return (
    <section className="view view-scroll" aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settings.title')}</h1>

      <h2>{t('folders.title')}</h2>
      <FolderList />
      <AddFolder compact />
      <LibraryStatus />

      <h2>{t('settings.playback')}</h2>
      <label className="field">
        <span>{t('settings.replayGain')}</span>
        <select
          value={settings.data?.replayGain ?? 'track'}
          onChange={(e) => update.mutate({ replayGain: e.target.value as 'track' | 'album' | 'off' })}
        >
          <option value="track">{t('settings.replayGainTrack')}</option>
          <option value="album">{t('settings.replayGainAlbum')}</option>
          <option value="off">{t('settings.replayGainOff')}</option>
        </select>
      </label>
      <label className="inline-check">
        <input
          type="checkbox"
          checked={settings.data?.gapless ?? true}
          onChange={(e) => update.mutate({ gapless: e.target.checked })}
          data-testid="setting-gapless"
        />
        <span>{t('settings.gapless')}</span>
      </label>
      <label className="field">
        <span>{t('settings.crossfade')}</span>
        <select
          value={String(settings.data?.crossfadeSeconds ?? 0)}
          onChange={(e) => update.mutate({ crossfadeSeconds: Number(e.target.value) })}
          data-testid="setting-crossfade"
        >
          {CROSSFADE_CHOICES.map((s) => (
            <option key={s} value={String(s)}>
              {s === 0 ? t('settings.crossfadeOff') : t('settings.crossfadeSeconds', { count: s })}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('settings.keyNotation')}</span>
        <select
          value={settings.data?.keyNotation ?? 'camelot'}
          onChange={(e) => update.mutate({ keyNotation: e.target.value as 'camelot' | 'musical' })}
        >
          <option value="camelot">{t('settings.keyCamelot')}</option>
          <option value="musical">{t('settings.keyMusical')}</option>
        </select>
      </label>

      <h2>{t('settings.appearance')}</h2>
      <label className="field">
        <span>{t('settings.theme')}</span>
        <select
          value={settings.data?.theme ?? 'system'}
          onChange={(e) => update.mutate({ theme: e.target.value as 'system' | 'light' | 'dark' })}
        >
          <option value="system">{t('settings.themeSystem')}</option>
          <option value="light">{t('settings.themeLight')}</option>
          <option value="dark">{t('settings.themeDark')}</option>
        </select>
      </label>

      <h2>{t('settings.sync')}</h2>
      {settings.data && (
        <SyncServerForm
          key={settings.data.syncServerUrl}
          saved={settings.data.syncServerUrl}
          onStatus={setStatus}
        />
      )}
      {status && (
        <p
          role="status"
          className={status.kind === 'error' ? 'status-error' : 'status-ok'}
          data-testid="settings-status"
        >
          {status.text}
        </p>
      )}

      <h2>{t('settings.about')}</h2>
      {info.error && <p role="alert">{t('errors.unavailable')}</p>}
      {info.data && (
        <ul className="about" data-testid="about">
          <li>{t('settings.version', { version: info.data.version })}</li>
          <li>
            {t('settings.host', {
              host: info.data.host === 'electron' ? t('settings.hostElectron') : t('settings.hostWeb'),
            })}
          </li>
          <li>{t('settings.dataDir', { dataDir: info.data.dataDir })}</li>
        </ul>
      )}
    </section>
  );
}

/** The server address field; remounted (by key) whenever the saved value changes. */
type Status = { kind: 'ok' | 'error'; text: string };

function SyncServerForm({
  saved,
  onStatus: setStatus,
}: {
  saved: string;
  onStatus: (status: Status | null) => void;
}) {
  const { t } = useTranslation();
  const update = useCallMutation('settings.update');
  const [serverUrl, setServerUrl] = useState(saved);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setStatus(null);
    try {
      await update.mutateAsync({ syncServerUrl: serverUrl.trim() });
      setStatus({ kind: 'ok', text: t('settings.saved') });
    } catch (error) {
      const reason =
        error instanceof ApiError && error.issues.length > 0
          ? error.issues.map((i) => issueText(i, t)).join('; ')
          : error instanceof Error
            ? error.message
            : String(error);
      setStatus({ kind: 'error', text: t('settings.invalid', { reason }) });
    }
  };

  return (
    <form onSubmit={save} className="field-row">
      <label className="field">
        <span>{t('settings.syncServerUrl')}</span>
        <input
          name="syncServerUrl"
          value={serverUrl}
          onChange={(e) => setServerUrl(e.target.value)}
          placeholder="https://coop.example"
          aria-describedby="sync-url-help"
        />
        <small id="sync-url-help">{t('settings.syncServerUrlHelp')}</small>
      </label>
      <button type="submit">{t('settings.save')}</button>
    </form>
  );
}
