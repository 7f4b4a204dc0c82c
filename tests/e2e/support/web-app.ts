import { chromium, type Browser, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The browser flags this closed-network machine needs (see the machine notes). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's chromium or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface RunningWebHost {
  url: string;
  openUrl: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `npm run web` as a user would, on a free port with a fresh data folder. */
export async function startWebHost(
  options: { dataDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningWebHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'resonate-e2e-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/web-host/main.ts', '--port', '0', '--data', dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const openUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`web host did not start:\n${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Resonate web host: (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`web host exited with ${code}:\n${stderr}`)));
  });
  return {
    url: new URL(openUrl).origin,
    openUrl,
    dataDir,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Collects console errors and failed requests so a test can assert the page stayed healthy. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

export interface OpenApp {
  browser: Browser;
  host: RunningWebHost;
  page: Page;
  /** Console errors and page errors seen so far (see `watchPageErrors`). */
  errors: string[];
  close(): Promise<void>;
}

/**
 * The usual start of a spec: Chromium, a web host on a fresh (or given) data
 * folder, one page at a desktop size, opened on the app with its token.
 */
export async function openApp(
  options: { dataDir?: string; height?: number; acceptDownloads?: boolean } = {},
): Promise<OpenApp> {
  const browser = await launchChromium();
  const host = await startWebHost(options.dataDir ? { dataDir: options.dataDir } : {});
  const context = await browser.newContext({
    viewport: { width: 1280, height: options.height ?? 800 },
    acceptDownloads: options.acceptDownloads ?? false,
  });
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  await page.goto(host.openUrl);
  return {
    browser,
    host,
    page,
    errors,
    async close() {
      await browser.close();
      await host.stop();
    },
  };
}
