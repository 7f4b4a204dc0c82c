import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCredits, formatEuros } from '../../../../shared/pricing';
import { errorCode } from '../../api/account';
import { useCall, useCallMutation } from '../../api/queries';
import { useNavigation } from '../../store/navigation';
import '../../styles/account.css';

function Credits({ thousandths, testId }: { thousandths: number; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span data-testid={testId}>
      {t('s2o.credits', { credits: formatCredits(thousandths) })}{' '}
      <span className="muted">{t('walletUi.euros', { euros: formatEuros(Math.abs(thousandths)) })}</span>
    </span>
  );
}

/** The error's message key under `walletUi.voucherErrors`. */
function voucherErrorKey(error: Error): string {
  const code = errorCode(error);
  return ['not_found', 'conflict', 'unavailable', 'invalid_input'].includes(code) ? code : 'other';
}

/** Redeem a voucher code; focused when the preview prompt's "Add credits" brought the user here. */
function VoucherForm({ signedIn }: { signedIn: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const { detail, go } = useNavigation();
  const inputRef = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState('');
  const redeem = useCallMutation('wallet.redeemVoucher');
  const busy = redeem.isPending;
  const result = redeem.data
    ? { ok: true, text: t('walletUi.redeemed', { credits: formatCredits(redeem.data.creditedThousandths) }) }
    : redeem.error
      ? { ok: false, text: t(`walletUi.voucherErrors.${voucherErrorKey(redeem.error)}`) }
      : null;
  useEffect(() => {
    if (detail !== 'voucher') return;
    // After the navigation's own focus move to the view.
    const id = setTimeout(() => inputRef.current?.focus(), 0);
    return () => clearTimeout(id);
  }, [detail]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    redeem.mutateAsync({ code: code.trim() }).then(
      (answer) => {
        // The new balance at once (the wallet reads are refetched too, as api/invalidations.ts says).
        client.setQueryData(['wallet.get', {}], answer.wallet);
        setCode('');
      },
      () => undefined, // shown from the mutation's error
    );
  };
  return (
    <form className="voucher-form" onSubmit={submit} aria-labelledby="voucher-title">
      <h2 id="voucher-title">{t('walletUi.voucherTitle')}</h2>
      {!signedIn && (
        <p>
          {t('walletUi.signInFirst')}{' '}
          <button type="button" className="link" onClick={() => go('account')}>
            {t('account.signIn')}
          </button>
        </p>
      )}
      <div className="field-row">
        <label className="field">
          <span>{t('walletUi.voucherCode')}</span>
          <input
            ref={inputRef}
            id="voucher-code"
            value={code}
            onChange={(e) => {
              setCode(e.target.value);
              // An answer is about the code it was for: editing the code clears it.
              redeem.reset();
            }}
            autoComplete="off"
            spellCheck={false}
            disabled={!signedIn}
            data-testid="voucher-code"
          />
        </label>
        <button type="submit" className="primary" disabled={!signedIn || busy || code.trim().length < 4}>
          {busy ? t('account.working') : t('walletUi.redeem')}
        </button>
      </div>
      {result && (
        <p
          role={result.ok ? 'status' : 'alert'}
          className={result.ok ? 'status-ok' : 'status-error'}
          data-testid="voucher-result"
        >
          {result.text}
        </p>
      )}
    </form>
  );
}

/** One membership of the year: whether it is held, and the way to it as a bar and its words. */
function MembershipLine(props: {
  heading: string;
  percent: number;
  progressLabel: string;
  progressText: string;
}) {
  return (
    <>
      <p>
        <strong>{props.heading}</strong>
      </p>
      <div className="progress-line">
        <progress max={100} value={props.percent} aria-label={props.progressLabel} />
        <span>{props.progressText}</span>
      </div>
    </>
  );
}

function Membership() {
  const { t } = useTranslation();
  const membership = useCall('wallet.membership', {}, { staleTime: 60_000 });
  if (membership.isError) return <p className="muted">{t('walletUi.needsServer')}</p>;
  const m = membership.data;
  if (!m) return <p className="muted">{t('grid.loading')}</p>;
  const { listener, artist } = m;
  return (
    <div className="membership" data-testid="membership">
      <MembershipLine
        heading={t(listener.member ? 'walletUi.listenerMember' : 'walletUi.listenerNotMember', {
          year: m.year,
        })}
        percent={listener.progressPercent}
        progressLabel={t('walletUi.listenerProgressLabel')}
        progressText={t('walletUi.listenerProgress', {
          spent: listener.spentEuros,
          threshold: listener.thresholdEuros,
          percent: listener.progressPercent,
        })}
      />
      {artist && (
        <MembershipLine
          heading={t(artist.member ? 'walletUi.artistMember' : 'walletUi.artistNotMember', { year: m.year })}
          percent={artist.progressPercent}
          progressLabel={t('walletUi.artistProgressLabel')}
          progressText={t('walletUi.artistProgress', {
            earned: artist.earnedEuros,
            threshold: artist.thresholdEuros,
            percent: artist.progressPercent,
          })}
        />
      )}
    </div>
  );
}

const LEDGER_KINDS = ['play', 'buy_track', 'buy_release', 'voucher', 'grant', 'grant_reversal'];

function LedgerPage({
  before,
  titles,
  isLast,
  onMore,
}: {
  before?: number;
  titles: Map<string, string>;
  isLast: boolean;
  onMore(next: number): void;
}) {
  const { t } = useTranslation();
  const ledger = useCall('wallet.ledger', before ? { limit: 50, before } : { limit: 50 });
  if (!ledger.data) return null;
  return (
    <>
      {ledger.data.entries.map((e) => (
        <tr key={e.id} data-testid="ledger-row">
          <td>{new Date(e.createdAtMs).toLocaleString()}</td>
          <td>{LEDGER_KINDS.includes(e.kind) ? t(`walletUi.kinds.${e.kind}`) : e.kind}</td>
          <td>{e.trackId ? (titles.get(e.trackId) ?? e.trackId) : ''}</td>
          <td className={e.amountThousandths < 0 ? 'num debit' : 'num credit'}>
            {e.amountThousandths > 0 ? '+' : ''}
            {formatCredits(e.amountThousandths)}
          </td>
        </tr>
      ))}
      {isLast && ledger.data.nextBefore && (
        <tr>
          <td colSpan={4}>
            <button type="button" onClick={() => onMore(ledger.data.nextBefore!)}>
              {t('history.more')}
            </button>
          </td>
        </tr>
      )}
    </>
  );
}

function Ledger() {
  const { t } = useTranslation();
  const first = useCall('wallet.ledger', { limit: 50 });
  const catalog = useCall('coop.tracks', { limit: 500 });
  const [pages, setPages] = useState<number[]>([]);
  const titles = new Map((catalog.data?.tracks ?? []).map((tr) => [tr.id, tr.title]));
  if (first.isError)
    return (
      <p className="muted" data-testid="ledger-unavailable">
        {t('walletUi.needsServer')}
      </p>
    );
  if (!first.data) return <p className="muted">{t('grid.loading')}</p>;
  if (first.data.entries.length === 0) return <p>{t('walletUi.ledgerEmpty')}</p>;
  return (
    <table className="simple-table" aria-label={t('walletUi.ledgerTitle')} data-testid="ledger">
      <thead>
        <tr>
          <th scope="col">{t('history.when')}</th>
          <th scope="col">{t('walletUi.kind')}</th>
          <th scope="col">{t('history.track')}</th>
          <th scope="col" className="num">
            {t('walletUi.amount')}
          </th>
        </tr>
      </thead>
      <tbody>
        <LedgerPage titles={titles} isLast={pages.length === 0} onMore={(n) => setPages([n])} />
        {pages.map((before, i) => (
          <LedgerPage
            key={before}
            before={before}
            titles={titles}
            isLast={i === pages.length - 1}
            onMore={(n) => setPages([...pages, n])}
          />
        ))}
      </tbody>
    </table>
  );
}

/** The wallet: balance and allowance, vouchers, membership, the server's ledger. */
export function WalletView() {
  const { t } = useTranslation();
  const wallet = useCall('wallet.get', {});
  const account = useCall('account.status', {});
  const signedIn = account.data?.signedIn ?? false;
  const w = wallet.data;
  return (
    <section className="view view-scroll wallet-view" aria-labelledby="wallet-title">
      <h1 id="wallet-title">{t('wallet.title')}</h1>
      {wallet.isError && <p role="alert">{t('errors.unavailable')}</p>}
      {w && (
        <>
          {w.lowBalance && (
            <p className="warning" role="status" data-testid="low-balance">
              {t('walletUi.low', { threshold: formatCredits(w.lowBalanceThresholdThousandths) })}
            </p>
          )}
          <div className="wallet-cards">
            <div className="wallet-card">
              <h2>{t('walletUi.balanceTitle')}</h2>
              <p className="wallet-big" data-testid="wallet-balance-big">
                {formatCredits(w.balanceThousandths)}{' '}
                <span className="unit">{t('walletUi.creditsUnit')}</span>
              </p>
              <p className="muted">
                {t('walletUi.euros', { euros: formatEuros(w.balanceThousandths) })} ·{' '}
                {w.balanceAsOfMs
                  ? t('wallet.asOf', { date: new Date(w.balanceAsOfMs).toLocaleString() })
                  : t('wallet.never')}
              </p>
            </div>
            <div className="wallet-card">
              <h2>{t('walletUi.spendableTitle')}</h2>
              <p className="wallet-big">
                <span data-testid="wallet-spendable">
                  {t('s2o.credits', { credits: formatCredits(w.spendableThousandths) })}
                </span>
              </p>
              <p className="muted">
                {w.allowanceThousandths === null
                  ? t('walletUi.noAllowance')
                  : t('walletUi.allowance', { credits: formatCredits(w.allowanceThousandths) })}
              </p>
            </div>
          </div>
          <dl className="wallet-facts">
            <dt>{t('wallet.pending')}</dt>
            <dd data-testid="wallet-pending">
              <Credits thousandths={w.pendingThousandths} />
            </dd>
            <dt>{t('wallet.unsent')}</dt>
            <dd data-testid="wallet-unsent">{w.unsentReceipts}</dd>
            <dt>{t('wallet.device')}</dt>
            <dd className="mono">{w.deviceId}</dd>
          </dl>
        </>
      )}
      <VoucherForm signedIn={signedIn} />
      {signedIn && (
        <>
          <h2>{t('walletUi.membershipTitle')}</h2>
          <Membership />
          <h2>{t('walletUi.ledgerTitle')}</h2>
          <Ledger />
        </>
      )}
    </section>
  );
}
