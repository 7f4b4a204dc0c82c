import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountStatus } from '../../../../shared/contract/sync';
import { applyAccountStatus, errorCode } from '../../api/account';
import { useCall, useCallMutation } from '../../api/queries';
import { useNavigation } from '../../store/navigation';
import { describeError } from '../../lib/describe-error';
import '../../styles/account.css';

type Mode = 'signIn' | 'signUp';

const ACCOUNT_ERRORS = new Set(['forbidden', 'unavailable', 'invalid_input', 'conflict']);

/** The error's message key under `account.errors.<mode>`. */
function accountErrorKey(error: Error): string {
  const code = errorCode(error);
  return ACCOUNT_ERRORS.has(code) ? code : 'other';
}

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
  const signIn = useCallMutation('account.signIn');
  const signUp = useCallMutation('account.signUp');
  const current = mode === 'signIn' ? signIn : signUp;
  const busy = current.isPending;
  const error = current.error
    ? t(`account.errors.${mode}.${accountErrorKey(current.error)}`, { message: describeError(current.error) })
    : null;
  const id = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // mutateAsync, not mutate's callbacks: the form is gone once the new account shows, and this must still run.
    current.mutateAsync({ email, password }).then(
      (next) => {
        // Another account drops the previous one's answers at once (api/account.ts).
        applyAccountStatus(client, next);
        setPassword('');
      },
      () => undefined, // shown from the mutation's error
    );
  };

  const other: Mode = mode === 'signIn' ? 'signUp' : 'signIn';
  return (
    <>
      <form
        className="account-form"
        onSubmit={submit}
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
            current.reset();
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
  const signOut = useCallMutation('account.signOut');
  const error = signOut.error ? t('account.errors.signOut', { message: describeError(signOut.error) }) : null;
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
      <button
        type="button"
        onClick={() =>
          signOut.mutateAsync({}).then(
            (next) => applyAccountStatus(client, next),
            () => undefined, // shown from the mutation's error
          )
        }
        disabled={signOut.isPending}
        data-testid="sign-out"
      >
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
