import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import {
  fromBase64,
  hashFromBase64,
  hashLeafText,
  parseLeaf,
  verifyCheckpoint,
  verifyInclusion,
} from '../../src/shared/tlog';
import { checkReportWithLog } from '../../src/shared/report-log';
import { append } from './tlog/helpers';
import { postgresUnavailableReason } from './server/harness';
import { inProcessServer, type InProcessServer } from './server/in-process';

/**
 * Reversing a credit grant made in error (POST /v1/admin/credits/:transferId/reverse):
 * the whole grant comes back out of the wallet once, whatever the retries; the
 * ledger and the wallet agree; a `correction` leaf naming the grant's leaf is in
 * the log with a valid inclusion proof; a second reversal, a reversal of a spent
 * grant and a non-admin are refused.
 */
const pgReason = await postgresUnavailableReason();
if (pgReason) console.log(`[tlog corrections] PostgreSQL case skipped: ${pgReason}`);

describe('grant reversal on sqlite', () => {
  let a: InProcessServer;
  let admin: { token: string; userId: string };
  beforeAll(async () => {
    a = await inProcessServer('sqlite');
    admin = await a.account('admin');
  });
  afterAll(async () => a?.close());

  it('takes the grant back once under retries with one key; wallet, ledger and log agree', async () => {
    const listener = await a.account('listener');
    const granted = await grantTo(a, admin.token, listener.userId, 700);
    await grantTo(a, admin.token, listener.userId, 50);
    const key = uuidv7();
    const body = { idempotencyKey: key, reason: 'granted to the wrong account' };
    const answers = await Promise.all([1, 2, 3].map(() => reverse(a, admin.token, granted.transferId, body)));
    const retry = await reverse(a, admin.token, granted.transferId, body);
    for (const r of [...answers, retry]) {
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        reversalTransferId: `reversal:${granted.transferId}`,
        reversedThousandths: 700,
        balanceThousandths: 50,
      });
    }
    expect([...answers, retry].filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(await balanceOf(a, listener.token)).toBe(50);
    expect(await ledgerBalance(a, listener.userId)).toBe(50 * 10);
    const reversal = await entriesOf(a, `reversal:${granted.transferId}`);
    expect(reversal.reduce((s, e) => s + e, 0)).toBe(0);
    expect(reversal.sort((x, y) => x - y)).toEqual([-7000, 7000]);
    // The listener's ledger shows the reversal as a reversal, not as a second grant.
    const ledger = (await a.call('GET', '/v1/ledger', { token: listener.token })).body.entries as Array<{
      transferId: string;
      kind: string;
      amountThousandths: number;
    }>;
    expect(ledger.filter((e) => e.transferId.endsWith(granted.transferId))).toEqual([
      expect.objectContaining({
        transferId: `reversal:${granted.transferId}`,
        kind: 'grant_reversal',
        amountThousandths: -700,
      }),
      expect.objectContaining({ transferId: granted.transferId, kind: 'grant', amountThousandths: 700 }),
    ]);

    const corrects = retry.body.corrects as number;
    const grantLeaf = await leafAt(a, corrects);
    expect(grantLeaf).toMatchObject({ kind: 'grant', credit: 700 });
    const log = await checkpoint(a);
    const correction = await leafAt(a, log.size - 1, log);
    expect(correction).toMatchObject({
      kind: 'correction',
      corrects,
      credit: -700,
      listener: grantLeaf.listener,
      seq: null,
    });
  });

  it('refuses a second reversal of the same grant with another key, and a reversal of a reversal', async () => {
    const listener = await a.account('listener');
    const granted = await grantTo(a, admin.token, listener.userId, 300);
    const firstKey = uuidv7();
    const first = await reverse(a, admin.token, granted.transferId, {
      idempotencyKey: firstKey,
      reason: 'typo',
    });
    expect(first.status).toBe(201);
    const second = await reverse(a, admin.token, granted.transferId, {
      idempotencyKey: uuidv7(),
      reason: 'typo',
    });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('already_reversed');
    const ofReversal = await reverse(a, admin.token, first.body.reversalTransferId, {
      idempotencyKey: uuidv7(),
      reason: 'undo',
    });
    expect(ofReversal.status).toBe(409);
    expect(ofReversal.body.error.code).toBe('not_a_grant');
    const sameKeyOtherReason = await reverse(a, admin.token, granted.transferId, {
      idempotencyKey: firstKey,
      reason: 'another reason',
    });
    expect(sameKeyOtherReason.status).toBe(409);
    expect(sameKeyOtherReason.body.error.code).toBe('idempotency_conflict');
    expect(await balanceOf(a, listener.token)).toBe(0);
  });

  it('refuses to reverse a grant the listener has partly spent, saying how much is spendable, and changes nothing', async () => {
    const listener = await a.account('listener');
    const granted = await grantTo(a, admin.token, listener.userId, 2000);
    const catalog = await oneTrack(a, admin.token);
    const bought = await a.call('POST', `/v1/tracks/${catalog}/buy`, {
      token: listener.token,
      body: { requestId: `buy-${uuidv7()}` },
    });
    expect(bought.status).toBe(200);
    const before = await balanceOf(a, listener.token);
    expect(before).toBeLessThan(2000);
    const answer = await reverse(a, admin.token, granted.transferId, {
      idempotencyKey: uuidv7(),
      reason: 'too much',
    });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('grant_spent');
    expect(answer.body.error.message).toContain(`${before} thousandths spendable`);
    expect(await balanceOf(a, listener.token)).toBe(before);
    expect(await entriesOf(a, `reversal:${granted.transferId}`)).toEqual([]);
  });

  it('is for admins only, and 404s an unknown transfer', async () => {
    const listener = await a.account('listener');
    const granted = await grantTo(a, admin.token, listener.userId, 100);
    const self = await reverse(a, listener.token, granted.transferId, {
      idempotencyKey: uuidv7(),
      reason: 'mine',
    });
    expect(self.status).toBe(403);
    const unknown = await reverse(a, admin.token, 'grant:nope', { idempotencyKey: uuidv7(), reason: 'x' });
    expect(unknown.status).toBe(404);
    expect(await balanceOf(a, listener.token)).toBe(100);
  });
});

describe('a report checked against a log with corrections (verify-report --log, the Earnings view)', () => {
  let a: InProcessServer;
  let admin: { token: string; userId: string };
  beforeAll(async () => {
    a = await inProcessServer('sqlite');
    admin = await a.account('admin');
  });
  afterAll(async () => a?.close());

  const get = async (path: string) => {
    const r = await a.built.app.inject({ method: 'GET', url: path });
    return { status: r.statusCode, text: r.body };
  };
  async function checkReport(artistId: string) {
    const report = await a.call('GET', `/v1/artists/${artistId}/earnings/report?from=0`, {
      token: admin.token,
    });
    expect(report.status).toBe(200);
    return checkReportWithLog(report.body, get, 'the in-process server');
  }

  it('accepts a correction of a grant; refuses a correction that names a leaf that is not a grant of that listener', async () => {
    const listener = await a.account('listener');
    const artistId = (
      await a.call('POST', '/v1/admin/artists', { token: admin.token, body: { name: 'Audited' } })
    ).body.id as string;
    const granted = await grantTo(a, admin.token, listener.userId, 400);
    await grantTo(a, admin.token, (await a.account('listener')).userId, 400);
    const reversed = await reverse(a, admin.token, granted.transferId, {
      idempotencyKey: uuidv7(),
      reason: 'x',
    });
    expect(reversed.status).toBe(201);
    expect(await checkReport(artistId)).toMatchObject({ ok: true, mismatches: [] });

    // A server that writes a correction naming another listener's grant: the log itself is wrong.
    const otherIndex = (reversed.body.corrects as number) + 1;
    expect(await leafAt(a, otherIndex)).toMatchObject({ kind: 'grant' });
    await append(a.built, [
      {
        kind: 'correction',
        userId: listener.userId,
        transferId: 'reversal:forged',
        time: a.clock.now,
        taken: 400,
        corrects: otherIndex,
      },
    ]);
    const verdict = await checkReport(artistId);
    expect(verdict.ok).toBe(false);
    expect(verdict.mismatches).toEqual([
      expect.objectContaining({
        kind: 'log_leaves',
        message: expect.stringContaining(`names a grant (leaf ${otherIndex}) of another listener`),
      }),
    ]);
  });
});

describe.skipIf(pgReason !== null)('grant reversal on postgres (two instances, deferred sequencing)', () => {
  let a: InProcessServer;
  let b: InProcessServer;
  beforeAll(async () => {
    a = await inProcessServer('postgres');
    b = await inProcessServer('postgres', {}, a.clock, a);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('reverses once across instances; the correction leaf names the grant and is in the log', async () => {
    const admin = await a.account('admin');
    const listener = await a.account('listener');
    const granted = await grantTo(a, admin.token, listener.userId, 900);
    await a.built.tlog.catchUp(); // the sequencer numbers the grant's leaf
    const body = { idempotencyKey: uuidv7(), reason: 'wrong amount' };
    const answers = await Promise.all(
      [a, b, a, b].map((s) => reverse(s, admin.token, granted.transferId, body)),
    );
    for (const r of answers) expect(r.status).toBe(201);
    expect(new Set(answers.map((r) => r.body.reversalTransferId)).size).toBe(1);
    expect(answers.filter((r) => !r.body.duplicate)).toHaveLength(1);
    expect(await balanceOf(a, listener.token)).toBe(0);
    expect(await ledgerBalance(a, listener.userId)).toBe(0);
    const log = await checkpoint(a);
    const correction = await leafAt(a, log.size - 1, log);
    expect(correction).toMatchObject({
      kind: 'correction',
      corrects: answers[0]!.body.corrects,
      credit: -900,
    });
    expect(await leafAt(a, answers[0]!.body.corrects)).toMatchObject({ kind: 'grant', credit: 900 });
  });

  it("reverses a grant at once: a credit's leaf is numbered in its own transaction, not left to the sequencer", async () => {
    const admin = await a.account('admin');
    const listener = await a.account('listener');
    const granted = await grantTo(a, admin.token, listener.userId, 150);
    const answer = await reverse(b, admin.token, granted.transferId, {
      idempotencyKey: uuidv7(),
      reason: 'at once',
    });
    expect(answer.status).toBe(201);
    expect(await leafAt(a, answer.body.corrects)).toMatchObject({ kind: 'grant', credit: 150 });
  });
});

async function grantTo(s: InProcessServer, token: string, userId: string, amountThousandths: number) {
  const r = await s.call('POST', '/v1/admin/grants', {
    token,
    body: { userId, amountThousandths, idempotencyKey: uuidv7() },
  });
  expect(r.status).toBe(201);
  return r.body as { transferId: string };
}

function reverse(s: InProcessServer, token: string, transferId: string, body: object) {
  return s.call('POST', `/v1/admin/credits/${encodeURIComponent(transferId)}/reverse`, { token, body });
}

async function balanceOf(s: InProcessServer, token: string): Promise<number> {
  return (await s.call('GET', '/v1/wallet', { token })).body.balanceThousandths as number;
}

async function entriesOf(s: InProcessServer, transferId: string): Promise<number[]> {
  const rows = await s.built.ctx.store.db
    .selectFrom('ledger_entries')
    .select('amount')
    .where('transfer_id', '=', transferId)
    .execute();
  return rows.map((r) => Number(r.amount));
}

/** The listener's wallet according to the ledger: the sum of its entries, ten-thousandths. */
async function ledgerBalance(s: InProcessServer, userId: string): Promise<number> {
  const rows = await s.built.ctx.store.db
    .selectFrom('ledger_entries')
    .select('amount')
    .where('account_type', '=', 'listener')
    .where('account_id', '=', userId)
    .execute();
  return rows.reduce((sum, r) => sum + Number(r.amount), 0);
}

async function checkpoint(s: InProcessServer) {
  const vkey = (await s.call('GET', '/v1/log/key')).body.vkey as string;
  const note = (await s.call('GET', '/v1/log/checkpoint')).body as string;
  const verdict = verifyCheckpoint(note, vkey);
  if (!verdict.ok) throw new Error(verdict.reason);
  return verdict.checkpoint;
}

/** The leaf at `index`, its inclusion proof verified against `log` (default: the latest checkpoint). */
async function leafAt(s: InProcessServer, index: number, log?: Awaited<ReturnType<typeof checkpoint>>) {
  const at = log ?? (await checkpoint(s));
  const p = (await s.call('GET', `/v1/log/proof/inclusion?index=${index}&size=${at.size}`)).body;
  expect(hashLeafText(p.leaf)).toEqual(hashFromBase64(p.leafHash));
  expect(
    verifyInclusion(index, at.size, hashFromBase64(p.leafHash), p.proof.map(fromBase64), at.root),
  ).toEqual({
    ok: true,
  });
  const parsed = parseLeaf(p.leaf);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.leaf;
}

/** One published paid track of a new artist (admin routes); its id. */
async function oneTrack(s: InProcessServer, token: string): Promise<string> {
  const artist = await s.call('POST', '/v1/admin/artists', { token, body: { name: `Artist ${uuidv7()}` } });
  const release = await s.call('POST', '/v1/admin/releases', {
    token,
    body: {
      artistId: artist.body.id,
      title: 'Release',
      tracks: [{ title: 'T', durationMs: 200_000, status: 'paid' }],
    },
  });
  expect(release.status).toBe(201);
  return release.body.trackIds[0] as string;
}
