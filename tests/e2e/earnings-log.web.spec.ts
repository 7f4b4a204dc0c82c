import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addPlayToTotals, emptyTotals, type EarningsReport } from '../../src/shared/earnings-report';
import { createAccountInApp, makeRightsholder, navButton, setServerUrl } from './support/app-account';
import { seededCoopServer, type CoopServer, type ServerApi } from './support/coop-server';
import { listenerDevice } from './support/listener-device';
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

const nav = (name: string) => navButton(page, name);

/** A listener on another device settles three paid plays of the track (signed receipts, through the API). */
async function listenerPlays(trackTitle: string): Promise<void> {
  const fan = await listenerDevice(server.url, admin);
  const track = (await fan.catalog()).find((t) => t.title === trackTitle)!;
  const settled = await fan.settle([track, track, track]);
  expect(settled.map((r) => r.status)).toEqual(['settled', 'settled', 'settled']);
}

test('the Earnings view checks the report against the public log; a report that omits a logged play is shown as a mismatch', async () => {
  test.setTimeout(150_000);
  const email = `artist-${Date.now()}@example.org`;
  await setServerUrl(page, proxy.url);
  await createAccountInApp(page, email, 'artist password');
  await makeRightsholder(admin, { serverUrl: server.url, email, password: 'artist password' }, artistId);
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
