import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CoopNodeStatus } from '../../../../shared/contract/coop-node';
import { formatCredits } from '../../../../shared/pricing';
import { PickFolderButton } from '../../components/PickFolderButton';
import { useAccountCall, useCall, useCallMutation } from '../../api/queries';
import { useNavigation } from '../../store/navigation';
import { describeError } from '../../lib/describe-error';
import { parseCreditsInput } from './credits-input';
import './coop-node.css';

type Outcome = { ok: true; content: ReactNode } | { ok: false; text: string } | null;

/** One admin form: runs `action`, shows its answer (or its error) under the button, keeps the inputs on error. */
function ActionForm(props: {
  id: string;
  title: string;
  body: string;
  button: string;
  children: ReactNode;
  action: () => Promise<ReactNode>;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  // The form's check of its inputs and its contract call (a `useCallMutation`'s mutateAsync) as one step.
  const run = useMutation({ mutationFn: props.action });
  const busy = run.isPending;
  const outcome: Outcome = run.isSuccess
    ? { ok: true, content: run.data }
    : run.error
      ? { ok: false, text: describeError(run.error) }
      : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate();
  };
  return (
    <form
      className="coop-node-card"
      onSubmit={submit}
      onChange={() => outcome && !outcome.ok && run.reset()}
      aria-labelledby={`${props.id}-title`}
      data-testid={props.id}
      noValidate
    >
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      <p className="muted">{props.body}</p>
      {props.children}
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy || props.disabled}>
          {busy ? t('coopNode.working') : props.button}
        </button>
      </div>
      {outcome && (
        <div
          role={outcome.ok ? 'status' : 'alert'}
          className={outcome.ok ? 'status-ok' : 'status-error'}
          data-testid={`${props.id}-result`}
        >
          {outcome.ok ? outcome.content : outcome.text}
        </div>
      )}
    </form>
  );
}

function Field(props: {
  label: string;
  help?: string;
  children: (id: string, describedBy?: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, props.help ? `${id}-help` : undefined)}
      {props.help && <small id={`${id}-help`}>{props.help}</small>}
    </div>
  );
}

/** An account's e-mail, with the node's accounts that match it offered as suggestions. */
function AccountEmailField({
  label,
  email,
  onChange,
}: {
  label: string;
  email: string;
  onChange: (email: string) => void;
}) {
  const listId = useId();
  return (
    <Field label={label}>
      {(id) => (
        <>
          <input
            id={id}
            type="email"
            list={listId}
            value={email}
            onChange={(e) => onChange(e.target.value)}
            autoComplete="off"
          />
          <AccountsList id={listId} query={email} />
        </>
      )}
    </Field>
  );
}

/** Emails of accounts on the node, offered as the admin types (a datalist). */
function AccountsList({ id, query }: { id: string; query: string }) {
  const accounts = useCall('node.findAccounts', { query: query.trim() }, { keepPrevious: true });
  return (
    <datalist id={id}>
      {(accounts.data?.accounts ?? []).map((a) => (
        <option key={a.id} value={a.email} />
      ))}
    </datalist>
  );
}

function ImportForm() {
  const { t } = useTranslation();
  const importRelease = useCallMutation('node.importRelease');
  const go = useNavigation((s) => s.go);
  const [folder, setFolder] = useState('');
  const [artist, setArtist] = useState('');
  const [title, setTitle] = useState('');
  const [free, setFree] = useState(false);
  const action = async () => {
    const r = await importRelease.mutateAsync({
      folder: folder.trim(),
      artist: artist.trim(),
      ...(title.trim() ? { title: title.trim() } : {}),
      free,
    });
    return (
      <>
        <p>{t('coopNode.import.done', { title: r.title, artist: r.artistName, count: r.tracks.length })}</p>
        {r.skipped.length > 0 && (
          <>
            <p>{t('coopNode.import.skipped')}</p>
            <ul data-testid="import-skipped">
              {r.skipped.map((s) => (
                <li key={s.file}>
                  {s.file}: {s.reason}
                </li>
              ))}
            </ul>
          </>
        )}
        <button type="button" className="link" onClick={() => go('coop')}>
          {t('coopNode.import.openCatalog')}
        </button>
      </>
    );
  };
  return (
    <ActionForm
      id="coop-node-import"
      title={t('coopNode.import.title')}
      body={t('coopNode.import.body')}
      button={t('coopNode.import.button')}
      action={action}
      disabled={!folder.trim() || !artist.trim()}
    >
      <Field label={t('coopNode.import.folder')} help={t('coopNode.import.folderHelp')}>
        {(id, help) => (
          <div className="field-row">
            <input
              id={id}
              aria-describedby={help}
              value={folder}
              onChange={(e) => setFolder(e.target.value)}
              spellCheck={false}
            />
            <PickFolderButton
              title={t('coopNode.import.folder')}
              label={t('coopNode.import.choose')}
              onPicked={setFolder}
            />
          </div>
        )}
      </Field>
      <Field label={t('coopNode.import.artist')}>
        {(id) => <input id={id} value={artist} onChange={(e) => setArtist(e.target.value)} />}
      </Field>
      <Field label={t('coopNode.import.releaseTitle')} help={t('coopNode.import.releaseTitleHelp')}>
        {(id, help) => (
          <input id={id} aria-describedby={help} value={title} onChange={(e) => setTitle(e.target.value)} />
        )}
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={free} onChange={(e) => setFree(e.target.checked)} />
        {t('coopNode.import.free')}
      </label>
    </ActionForm>
  );
}

function GrantForm() {
  const { t } = useTranslation();
  const grantCredits = useCallMutation('node.grantCredits');
  const [email, setEmail] = useState('');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const action = async () => {
    const thousandths = parseCreditsInput(amount);
    if (thousandths === null) throw new Error(t('coopNode.grant.amountInvalid'));
    const r = await grantCredits.mutateAsync({
      email: email.trim(),
      amountThousandths: thousandths,
      ...(note.trim() ? { note: note.trim() } : {}),
    });
    setAmount('');
    return t('coopNode.grant.done', {
      credits: formatCredits(r.amountThousandths),
      email: r.email,
      balance: formatCredits(r.balanceThousandths),
    });
  };
  return (
    <ActionForm
      id="coop-node-grant"
      title={t('coopNode.grant.title')}
      body={t('coopNode.grant.body')}
      button={t('coopNode.grant.button')}
      action={action}
      disabled={!email.trim() || !amount.trim()}
    >
      <AccountEmailField label={t('coopNode.grant.email')} email={email} onChange={setEmail} />
      <Field label={t('coopNode.grant.amount')} help={t('coopNode.grant.amountHelp')}>
        {(id, help) => (
          <input
            id={id}
            inputMode="decimal"
            aria-describedby={help}
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('coopNode.grant.note')}>
        {(id) => <input id={id} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />}
      </Field>
    </ActionForm>
  );
}

function VoucherForm() {
  const { t } = useTranslation();
  const makeVouchers = useCallMutation('node.makeVouchers');
  const [value, setValue] = useState('');
  const [count, setCount] = useState('1');
  const action = async () => {
    const thousandths = parseCreditsInput(value);
    if (thousandths === null) throw new Error(t('coopNode.grant.amountInvalid'));
    const n = /^\d{1,4}$/.test(count.trim()) ? Number(count.trim()) : 0;
    if (n < 1 || n > 1000) throw new Error(t('coopNode.vouchers.countInvalid'));
    const r = await makeVouchers.mutateAsync({ valueThousandths: thousandths, count: n });
    return (
      <>
        <p>
          {t('coopNode.vouchers.done', { count: r.codes.length, credits: formatCredits(r.valueThousandths) })}
        </p>
        <textarea
          readOnly
          className="voucher-codes mono"
          aria-label={t('coopNode.vouchers.codes')}
          rows={Math.min(8, r.codes.length)}
          value={r.codes.join('\n')}
          data-testid="voucher-codes"
        />
      </>
    );
  };
  return (
    <ActionForm
      id="coop-node-vouchers"
      title={t('coopNode.vouchers.title')}
      body={t('coopNode.vouchers.body')}
      button={t('coopNode.vouchers.button')}
      action={action}
      disabled={!value.trim() || !count.trim()}
    >
      <div className="field-row">
        <Field label={t('coopNode.vouchers.value')}>
          {(id) => (
            <input id={id} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
          )}
        </Field>
        <Field label={t('coopNode.vouchers.count')}>
          {(id) => (
            <input
              id={id}
              inputMode="numeric"
              className="narrow"
              value={count}
              onChange={(e) => setCount(e.target.value)}
            />
          )}
        </Field>
      </div>
    </ActionForm>
  );
}

function RightsholderForm() {
  const { t } = useTranslation();
  const addRightsholder = useCallMutation('node.addRightsholder');
  const [email, setEmail] = useState('');
  const [artist, setArtist] = useState('');
  const action = async () => {
    const r = await addRightsholder.mutateAsync({ email: email.trim(), artist: artist.trim() });
    return t('coopNode.rightsholder.done', { email: r.account.email, artist: r.artistName });
  };
  return (
    <ActionForm
      id="coop-node-rightsholder"
      title={t('coopNode.rightsholder.title')}
      body={t('coopNode.rightsholder.body')}
      button={t('coopNode.rightsholder.button')}
      action={action}
      disabled={!email.trim() || !artist.trim()}
    >
      <AccountEmailField label={t('coopNode.rightsholder.email')} email={email} onChange={setEmail} />
      <Field label={t('coopNode.rightsholder.artist')}>
        {(id) => <input id={id} value={artist} onChange={(e) => setArtist(e.target.value)} />}
      </Field>
    </ActionForm>
  );
}

function ClaimAdmin() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const claimAdmin = useCallMutation('node.claimAdmin');
  const busy = claimAdmin.isPending;
  const error = claimAdmin.error ? describeError(claimAdmin.error) : null;
  const claim = () =>
    claimAdmin.mutate(
      {},
      { onSuccess: (next) => client.setQueriesData({ queryKey: ['node.status'] }, next) },
    );
  return (
    <section
      className="coop-node-card coop-node-claim"
      aria-labelledby="coop-node-claim-title"
      data-testid="coop-node-claim"
    >
      <h2 id="coop-node-claim-title">{t('coopNode.claim.title')}</h2>
      <p>{t('coopNode.claim.body')}</p>
      <button type="button" className="primary" disabled={busy} onClick={claim}>
        {busy ? t('coopNode.working') : t('coopNode.claim.button')}
      </button>
      {error && (
        <p role="alert" className="status-error">
          {error}
        </p>
      )}
    </section>
  );
}

function Yours({ status }: { status: CoopNodeStatus }) {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  const admin = status.role === 'admin';
  return (
    <section className="coop-node-card" aria-labelledby="coop-node-yours-title" data-testid="coop-node-yours">
      <h2 id="coop-node-yours-title">{t('coopNode.yours.title')}</h2>
      <ul className="coop-node-list">
        {status.actions.redeemVoucher && (
          <li>
            {t('coopNode.yours.redeem')}{' '}
            <button type="button" className="link" onClick={() => go('wallet', 'voucher')}>
              {t('coopNode.yours.openWallet')}
            </button>
          </li>
        )}
        {status.actions.publish && (
          <li>
            {t('coopNode.yours.publish')}{' '}
            <button type="button" className="link" onClick={() => go('release')}>
              {t('coopNode.yours.openRelease')}
            </button>
          </li>
        )}
        {!admin && !status.canClaimAdmin && <li>{t('coopNode.yours.askAdmin')}</li>}
      </ul>
    </section>
  );
}

/**
 * The co-op node page: on the app's own node, the first-run path (become its
 * admin, import a release, give credits, make an artist); on another server,
 * only what this account may do there. The main process and the server
 * decide; this page only shows the actions the status allows.
 */
export function CoopNodeView() {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  const account = useCall('account.status', {});
  const a = account.data;
  // Keyed by who is signed in where: another account never sees this one's actions.
  const status = useAccountCall('node.status', {});
  const s = status.data;
  const intro = !a
    ? ''
    : a.bundledServer
      ? a.serverUrl
        ? t('coopNode.bundledIntro', { url: a.serverUrl })
        : t('coopNode.bundledIntroNoUrl')
      : t('coopNode.remoteIntro', { url: a.serverUrl ?? '' });
  return (
    <section
      className="view view-scroll coop-node-view"
      aria-labelledby="coop-node-title"
      data-testid="coop-node-view"
    >
      <h1 id="coop-node-title">{t('coopNode.title')}</h1>
      <p className="muted" data-testid="coop-node-intro">
        {intro}
      </p>
      {a && !a.signedIn && (
        <p>
          {t('coopNode.signInFirst')}{' '}
          <button type="button" className="primary" onClick={() => go('account')}>
            {t('coopNode.signIn')}
          </button>
        </p>
      )}
      {status.isError && (
        <p role="alert" className="status-error">
          {t('coopNode.loadError', { message: status.error instanceof Error ? status.error.message : '' })}
        </p>
      )}
      {s && s.signedIn && (
        <>
          <p data-testid="coop-node-account">
            {t('coopNode.signedInAs', {
              email: s.email ?? '',
              role: s.role ? t(`coopNode.roles.${s.role}`) : '',
            })}
          </p>
          {s.canClaimAdmin && <ClaimAdmin />}
          {s.bundled && s.hasAdmin && s.role !== 'admin' && (
            <p className="muted">{t('coopNode.otherAdmin')}</p>
          )}
          <div className="coop-node-grid">
            {s.actions.importFolder && <ImportForm />}
            {!s.bundled && s.role === 'admin' && (
              <p className="muted coop-node-card" data-testid="coop-node-import-remote">
                {t('coopNode.import.remoteOnly')}
              </p>
            )}
            {s.actions.grantCredits && <GrantForm />}
            {s.actions.makeVouchers && <VoucherForm />}
            {s.actions.rightsholders && <RightsholderForm />}
            <Yours status={s} />
          </div>
        </>
      )}
    </section>
  );
}
