import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type OpenApp } from './support/web-app';

/**
 * Measuring tracks without ReplayGain, BPM or key tags (issue 15 items 9
 * and 10), in real Chromium through the web host: an untagged click track
 * at 128 BPM and a sustained A minor chord, measured from the Library's
 * button, show their detected BPM and key in the DJ collection.
 */
test.describe.configure({ mode: 'serial' });

let app: OpenApp;
let page: Page;
let music: string;

function makeMusic(): string {
  const dir = mkdtempSync(join(tmpdir(), 'resonate-analysis-e2e-'));
  const beat = join(dir, 'beat.wav');
  execFileSync('sox', [
    '-n',
    '-r',
    '44100',
    '-c',
    '1',
    beat,
    'synth',
    '0.01',
    'sine',
    '1000',
    'fade',
    '0',
    '0.01',
    '0.009',
    'pad',
    '0',
    (60 / 128 - 0.01).toFixed(6),
  ]);
  const clicks = join(dir, 'clicks.wav');
  execFileSync('sox', [beat, clicks, 'repeat', '42']);
  const chord = join(dir, 'chord.wav');
  execFileSync('sox', [
    '-n',
    '-r',
    '44100',
    '-c',
    '1',
    chord,
    'synth',
    '10',
    'sine',
    '220',
    'sine',
    '261.63',
    'sine',
    '329.63',
    'remix',
    '-',
    'vol',
    '0.25',
  ]);
  const ff = (input: string, title: string, out: string) =>
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-y',
      '-i',
      input,
      '-metadata',
      `title=${title}`,
      '-metadata',
      'artist=Generator',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '160k',
      join(dir, out),
    ]);
  ff(clicks, 'Click Tempo', 'click.mp3');
  ff(chord, 'A minor pad', 'pad.mp3');
  for (const f of [beat, clicks, chord]) rmSync(f);
  return dir;
}

test.beforeAll(async () => {
  music = makeMusic();
  app = await openApp();
  ({ page } = app);
  // The player's <audio> elements are not in the page: record every volume the player sets on them.
  await page.addInitScript(() => {
    const volume = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'volume')!;
    const seen: number[] = [];
    (window as unknown as { volumesSet: number[] }).volumesSet = seen;
    Object.defineProperty(HTMLMediaElement.prototype, 'volume', {
      get(this: HTMLMediaElement) {
        return volume.get!.call(this) as number;
      },
      set(this: HTMLMediaElement, v: number) {
        seen.push(v);
        volume.set!.call(this, v);
      },
    });
  });
  await page.reload();
});
test.afterAll(async () => {
  await app?.close();
  rmSync(music, { recursive: true, force: true });
});

const sidebar = () => page.getByRole('navigation', { name: 'Main' });
const djRow = (title: string) =>
  page.getByRole('grid', { name: 'DJ tracks' }).getByRole('row').filter({ hasText: title });

test('untagged tracks get their BPM and key measured from the Library and shown in the DJ collection', async () => {
  await page.getByLabel('Music folder path').fill(music);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.getByTestId('track-count')).toHaveText('2 tracks', { timeout: 30_000 });

  // Playing the quiet click track (about −31 LUFS, untagged) at volume 35: no ReplayGain yet, so 0.35.
  await page.getByTestId('volume').fill('35');
  const lastVolume = () =>
    page.evaluate(() => (window as unknown as { volumesSet: number[] }).volumesSet.at(-1) ?? null);
  await page
    .getByRole('grid', { name: 'Tracks' })
    .getByRole('row')
    .filter({ hasText: 'Click Tempo' })
    .dblclick();
  await expect.poll(lastVolume).toBeCloseTo(0.35, 2);

  await sidebar().getByRole('button', { name: 'DJ collection' }).click();
  await expect(djRow('Click Tempo')).toHaveCount(1);
  await expect(djRow('Click Tempo')).not.toContainText('128');

  await sidebar()
    .getByRole('button', { name: /^Library/ })
    .first()
    .click();
  await page.getByRole('button', { name: 'Measure loudness, BPM and key' }).first().click();
  await expect(page.getByText('Measured 2 tracks (0 could not be read).').first()).toBeVisible({
    timeout: 60_000,
  });
  // The playing track is levelled with its measured gain at once: +12.7 dB, held back by its true peak (~0.7) to about ×1.4.
  await expect.poll(lastVolume).toBeGreaterThan(0.45);
  expect(await lastVolume()).toBeLessThan(0.55);

  await sidebar().getByRole('button', { name: 'DJ collection' }).click();
  await expect(djRow('Click Tempo')).toContainText('128');
  await expect(djRow('A minor pad')).toContainText('8A');
});
