import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountStatus } from '../../../../shared/contract/sync';
import { api } from '../../api/client';
import { applyAccountStatus, errorCode } from '../../api/account';
import { useCall } from '../../api/queries';
import { useNavigation } from '../../store/navigation';
import { describeError } from '../../lib/describe-error';
import '../../styles/account.css';

type Mode = 'signIn' | 'signUp';

function ServerLine({ account }: { account: AccountStatus }) {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  return (
    <p className="muted" data-testid="account-server">
      {account.bundledServer
        ? t('account.serverBundled')
        : t('account.server', { url: account.serverUrl ?? '' })}{' '}
      <button type="button" className="link" onClick={() => go('settings')}>
        {t('account.changeServer')}
      </button>
    </p>
  );
}

/** Sign in or sign up: one form, two modes; errors say what went wrong and what to do. */
function SignInForm({ account }: { account: AccountStatus }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [mode, setMode] = useState<Mode>('signIn');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const next =
        mode === 'signIn'
          ? await api.call('account.signIn', { email, password })
          : await api.call('account.signUp', { email, password });
      applyAccountStatus(client, next);
      setPassword('');
    } catch (e) {
      const code = errorCode(e);
      const key =
        code === 'forbidden' || code === 'unavailable' || code === 'invalid_input' || code === 'conflict'
          ? code
          : 'other';
      setError(t(`account.errors.${mode}.${key}`, { message: describeError(e) }));
    } finally {
      setBusy(false);
    }
  };

  const other: Mode = mode === 'signIn' ? 'signUp' : 'signIn';
  return (
    <>
      <form
        className="account-form"
        onSubmit={(e) => void submit(e)}
        aria-labelledby={`${id}-title`}
        data-testid="account-form"
        noValidate
      >
        <h2 id={`${id}-title`}>{t(`account.${mode}Title`)}</h2>
        <p className="muted">{t(`account.${mode}Intro`)}</p>
        <label className="field">
          <span>{t('account.email')}</span>
          <input
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('account.password')}</span>
          <input
            type="password"
            name="password"
            autoComplete={mode === 'signIn' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'signUp' ? 8 : 1}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={mode === 'signUp' ? `${id}-hint` : undefined}
          />
          {mode === 'signUp' && <small id={`${id}-hint`}>{t('account.passwordHint')}</small>}
        </label>
        {error && (
          <p role="alert" className="status-error" data-testid="account-error">
            {error}
          </p>
        )}
        <div className="button-row">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('account.working') : t(`account.${mode}`)}
          </button>
        </div>
      </form>
      <p>
        {t(`account.${other}Prompt`)}{' '}
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(other);
            setError(null);
          }}
        >
          {t(`account.${other}Switch`)}
        </button>
      </p>
      <ServerLine account={account} />
    </>
  );
}

function SignedIn({ account }: { account: AccountStatus }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const status = useCall('sync.status', {});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signOut = async () => {
    setBusy(true);
    setError(null);
    try {
      applyAccountStatus(client, await api.call('account.signOut', {}));
    } catch (e) {
      setError(t('account.errors.signOut', { message: describeError(e) }));
    } finally {
      setBusy(false);
    }
  };
  const pending = status.data?.pendingReceipts ?? 0;
  return (
    <>
      <dl className="wallet-facts">
        <dt>{t('account.signedInAs')}</dt>
        <dd data-testid="account-email">{account.email}</dd>
        <dt>{t('account.role')}</dt>
        <dd>{account.role ? t(`account.roles.${account.role}`) : ''}</dd>
        {account.artists.length > 0 && (
          <>
            <dt>{t('account.artists')}</dt>
            <dd>{account.artists.map((a) => a.name).join(', ')}</dd>
          </>
        )}
        <dt>{t('account.device')}</dt>
        <dd>
          <span className="mono">{account.deviceId}</span>{' '}
          <span className="muted">
            {account.deviceRegistered ? t('account.deviceRegistered') : t('account.deviceNotRegistered')}
          </span>
        </dd>
      </dl>
      <ServerLine account={account} />
      {pending > 0 && <p className="muted">{t('account.signOutPending', { count: pending })}</p>}
      {error && (
        <p role="alert" className="status-error">
          {error}
        </p>
      )}
      <button type="button" onClick={() => void signOut()} disabled={busy} data-testid="sign-out">
        {t('account.signOut')}
      </button>
    </>
  );
}

/** The co-op account on this device: sign up, sign in, sign out. */
export function AccountView() {
  const { t } = useTranslation();
  const account = useCall('account.status', {});
  return (
    <section className="view view-scroll account-view" aria-labelledby="account-title">
      <h1 id="account-title">{t('account.title')}</h1>
      {account.error && <p role="alert">{t('errors.unavailable')}</p>}
      {account.data &&
        (account.data.signedIn ? <SignedIn account={account.data} /> : <SignInForm account={account.data} />)}
    </section>
  );
}
