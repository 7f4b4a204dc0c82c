import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { generateEd25519KeyPair } from '../../src/node/ed25519';
import { signPlayReceipt } from '../../src/node/receipt-signing';
import { addPlayToTotals, emptyTotals, type EarningsReport } from '../../src/shared/earnings-report';
import { seededCoopServer, ServerApi, type CoopServer } from './support/coop-server';
import { docScreenshot } from './support/screenshots';
import { openApp, type OpenApp } from './support/web-app';

/**
 * The Earnings view checks the artist's report against the public log, end to
 * end (issue 14), in real Chromium through the web host, against a real server
 * process behind a proxy: an artist with settled plays exports the report and
 * sees it matches the log; then the server is swapped for a cheating one whose
 * report leaves out a play the log holds (its totals summed again, so the
 * report alone still verifies), and the view shows the difference plainly,
 * at the play's leaf.
 */
let app: OpenApp;
let page: Page;
let server: CoopServer;
let admin: ServerApi;
let artistId: string;
let proxy: ReportProxy;

/** The report without its last play (the listener's latest settlement), its totals summed again. */
function withoutLastPlay(report: EarningsReport): EarningsReport {
  const plays = report.plays.slice(0, -1);
  const sum = (list: EarningsReport['plays']) => {
    const totals = emptyTotals();
    for (const p of list) addPlayToTotals(totals, p);
    return totals;
  };
  const totals = sum(plays);
  for (const p of report.purchases) {
    totals.purchases++;
    totals.creditsSpentThousandths += p.priceThousandths;
    totals.artistShareTenThousandths += p.artistShareTenThousandths;
    totals.coopShareTenThousandths += p.coopShareTenThousandths;
  }
  const tracks = report.tracks.map((t) => ({
    ...t,
    totals: sum(plays.filter((p) => p.signed.receipt.trackId === t.trackId)),
  }));
  return { ...report, plays, totals, tracks };
}

/** Passes everything to the real server; when `cheat`, the earnings report it answers omits a play. */
class ReportProxy {
  cheat = false;
  url = '';
  private server: Server | null = null;
  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const cheating = this.cheat && /^\/v1\/artists\/[^/]+\/earnings\/report/.test(req.url ?? '');
      const upstream = httpRequest(
        new URL(req.url!, this.upstream),
        { method: req.method, headers: { ...req.headers, host: new URL(this.upstream).host } },
        (answer) => {
          if (!cheating || answer.statusCode !== 200) {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            return void answer.pipe(res);
          }
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as EarningsReport;
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify(withoutLastPlay(report)));
          });
        },
      );
      upstream.on('error', () => req.socket.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => {
      if (!this.server) return done();
      this.server.closeAllConnections();
      this.server.close(() => done());
    });
  }
}

test.beforeAll(async () => {
  const seeded = await seededCoopServer([{ title: 'Audit Song', seconds: 60 }], 'Open Ledger', 'Plain Sight');
  ({ server, admin } = seeded);
  artistId = seeded.imported.artistId;
  proxy = new ReportProxy(server.url);
  await proxy.start();
  app = await openApp({ height: 900 });
  page = app.page;
});
test.afterAll(async () => {
  await app?.close();
  await proxy?.stop();
  await server?.stop();
});

const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });

/** A listener on another device settles three paid plays of the track (signed receipts, through the API). */
async function listenerPlays(trackTitle: string): Promise<void> {
  const listener = new ServerApi(server.url);
  const signedUp = await listener.post<{ token: string; user: { id: string } }>('/v1/auth/sign-up', {
    email: `fan-${Date.now()}@example.org`,
    password: 'listener password',
  });
  listener.token = signedUp.body.token;
  await admin.post('/v1/admin/grants', { userId: signedUp.body.user.id, amountThousandths: 5000 });
  const keys = generateEd25519KeyPair();
  const deviceId = uuidv7();
  expect(
    (await listener.post('/v1/devices', { id: deviceId, name: 'fan phone', publicKey: keys.publicKey }))
      .status,
  ).toBe(201);
  const tracks = (
    await listener.get<{ tracks: { id: string; title: string; durationMs: number }[] }>('/v1/catalog/tracks')
  ).body.tracks;
  const track = tracks.find((t) => t.title === trackTitle)!;
  let seq = 0;
  const play = () => {
    const now = Date.now();
    return signPlayReceipt(
      {
        v: 1,
        id: uuidv7(),
        deviceId,
        seq: ++seq,
        trackId: track.id,
        sessionStartedAt: new Date(now - 60_000).toISOString(),
        countedAt: new Date(now).toISOString(),
        heardMs: 45_000,
        durationMs: track.durationMs,
        estimatedPriceThousandths: 0,
      },
      keys.privateKey,
    );
  };
  const settled = await listener.post<{ results: { status: string }[] }>('/v1/receipts', {
    deviceId,
    receipts: [play(), play(), play()],
  });
  expect(settled.body.results.map((r) => r.status)).toEqual(['settled', 'settled', 'settled']);
}

test('the Earnings view checks the report against the public log; a report that omits a logged play is shown as a mismatch', async () => {
  test.setTimeout(150_000);
  const email = `artist-${Date.now()}@example.org`;
  await nav('Settings').click();
  await page.getByLabel('Sync server address').fill(proxy.url);
  await page.getByLabel('Sync server address').press('Enter');
  await expect(page.getByTestId('settings-status')).toHaveText('Saved');
  await nav('Account').click();
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('artist password');
  await page.getByTestId('account-form').getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(page.getByTestId('account-email')).toHaveText(email);
  const me = await (
    await ServerApi.signIn(server.url, email, 'artist password')
  ).get<{ id: string }>('/v1/me');
  expect(
    (await admin.post(`/v1/admin/artists/${artistId}/rightsholders`, { userId: me.body.id })).status,
  ).toBe(204);
  await listenerPlays('Audit Song');

  await nav('Earnings').click();
  await expect(page.getByRole('heading', { name: 'Earnings', level: 1 })).toBeVisible();
  await expect(page.getByTestId('earnings-artist')).toHaveValue(artistId);
  const exportReport = async (name: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'resonate-report-')), name);
    await page.getByLabel('Save the report as (file path)').fill(path);
    await page.getByRole('button', { name: 'Export and verify' }).click();
  };

  // The honest server: the report matches the log.
  await exportReport('honest.json');
  const verdict = page.getByTestId('report-verdict');
  await expect(verdict).toContainText('Verified: all 3 receipts are signed by their devices', {
    timeout: 30_000,
  });
  const log = page.getByTestId('report-log');
  await expect(log).toContainText(/^Matches the public log \(checkpoint \d+, \d+ leaves\)/);

  // The cheating server: its report leaves a play out. The report alone still verifies; the log does not agree.
  proxy.cheat = true;
  await exportReport('cheating.json');
  await expect(verdict).toContainText('Verified: all 2 receipts are signed by their devices', {
    timeout: 30_000,
  });
  await expect(log).toHaveAttribute('role', 'alert');
  await expect(log).toContainText(/Does not match the public log \(checkpoint \d+\): 2 differences\./);
  await expect(log).toContainText(/missing_from_report \(leaf \d+\) the log's play at leaf \d+/);
  await expect(log).toContainText('totals_differ_from_log');
  await expect(log).toContainText('From the log: 3 plays, 3 paid');
  await log.scrollIntoViewIfNeeded();
  await docScreenshot(page, 'earnings-log-mismatch.png');
});
