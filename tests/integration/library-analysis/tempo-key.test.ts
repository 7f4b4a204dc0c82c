import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeTrack } from '../../../src/main/services/library/analysis/analyze-track';
import { chords, clickTrack, sox } from './signals';

/** BPM and key detection on signals generated with sox, whose tempo and key are known. */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tempo-key-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function measured(file: string) {
  const a = await analyzeTrack(file);
  if (!a.measured) throw new Error(`not measured: ${a.detail}`);
  console.info(
    `${file.split('/').at(-1)}: ${a.bpm} BPM (confidence ${a.bpmConfidence}), key ${a.key} (confidence ${a.keyConfidence}), ${a.elapsedMs} ms for ${a.decodedDurationMs} ms`,
  );
  return a;
}

describe('tempo detection', () => {
  it.each([128, 100, 140])(
    'a click track at %d BPM reads within ±0.5 BPM',
    async (bpm) => {
      const a = await measured(clickTrack(dir, bpm));
      expect(a.bpm).not.toBeNull();
      expect(Math.abs(a.bpm! - bpm)).toBeLessThanOrEqual(0.5);
    },
    60_000,
  );

  it('a 64 BPM pulse is folded into the DJ range as 128', async () => {
    const a = await measured(clickTrack(dir, 64, 40));
    expect(Math.abs(a.bpm! - 128)).toBeLessThanOrEqual(0.5);
  }, 60_000);

  it('an MP3 at 48 kHz (another rate and decimation factor) reads its tempo too', async () => {
    const wav = clickTrack(dir, 128, 30, 'click-128-48k-source.wav');
    const mp3 = join(dir, 'click-128-48k.mp3');
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-y',
      '-i',
      wav,
      '-ar',
      '48000',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '192k',
      mp3,
    ]);
    const a = await measured(mp3);
    expect(Math.abs(a.bpm! - 128)).toBeLessThanOrEqual(0.5);
  }, 60_000);

  it('pink noise has no tempo, as WAV or as an MP3 (whose frames leave a faint pulse)', async () => {
    const file = join(dir, 'noise.wav');
    sox(['-n', '-r', '44100', '-c', '1', file, 'synth', '20', 'pinknoise', 'vol', '0.3']);
    expect((await measured(file)).bpm).toBeNull();
    const mp3 = join(dir, 'noise.mp3');
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=color=pink:amplitude=0.2:sample_rate=44100:duration=60:seed=5',
      '-af',
      'pan=stereo|c0=c0|c1=0.7*c0',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '256k',
      mp3,
    ]);
    expect((await measured(mp3)).bpm).toBeNull();
  }, 60_000);
});

describe('key detection (Camelot)', () => {
  it('a sustained A minor triad is 8A, a C major triad 8B, an F# minor triad 11A', async () => {
    expect((await measured(chords(dir, 'am.wav', [['A3', 'C4', 'E4']], 10))).key).toBe('8A');
    expect((await measured(chords(dir, 'c.wav', [['C4', 'E4', 'G4']], 10))).key).toBe('8B');
    expect((await measured(chords(dir, 'fsm.wav', [['F#3', 'A3', 'C#4']], 10))).key).toBe('11A');
  }, 60_000);

  it('an A minor progression (Am Dm E Am) is 8A and a C major one (C F G C) is 8B', async () => {
    const aMinor = chords(
      dir,
      'am-prog.wav',
      [
        ['A3', 'C4', 'E4'],
        ['D3', 'F3', 'A3'],
        ['E3', 'G#3', 'B3'],
        ['A3', 'C4', 'E4'],
      ],
      3,
    );
    const cMajor = chords(
      dir,
      'c-prog.wav',
      [
        ['C4', 'E4', 'G4'],
        ['F3', 'A3', 'C4'],
        ['G3', 'B3', 'D4'],
        ['C4', 'E4', 'G4'],
      ],
      3,
    );
    expect((await measured(aMinor)).key).toBe('8A');
    expect((await measured(cMajor)).key).toBe('8B');
  }, 60_000);

  it('a click track and noise have no key', async () => {
    expect((await measured(clickTrack(dir, 120, 20))).key).toBeNull();
    const noise = join(dir, 'noise-key.wav');
    sox(['-n', '-r', '44100', '-c', '1', noise, 'synth', '20', 'pinknoise', 'vol', '0.3']);
    expect((await measured(noise)).key).toBeNull();
  }, 60_000);
});
