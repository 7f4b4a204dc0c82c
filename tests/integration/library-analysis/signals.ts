import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Test audio made with sox at test time, so the suite ships no binaries. */
export function sox(args: string[]): void {
  execFileSync('sox', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** A click track: a 10 ms 1 kHz blip on every beat, `seconds` long (mono, 44.1 kHz WAV unless the name says otherwise). */
export function clickTrack(dir: string, bpm: number, seconds = 30, name = `click-${bpm}.wav`): string {
  const beat = 60 / bpm;
  const one = join(dir, `beat-${bpm}.wav`);
  sox([
    '-n',
    '-r',
    '44100',
    '-c',
    '1',
    one,
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
    (beat - 0.01).toFixed(6),
  ]);
  const file = join(dir, name);
  sox([one, file, 'repeat', String(Math.ceil(seconds / beat) - 1)]);
  return file;
}

const NOTE_HZ: Record<string, number> = {
  A2: 110,
  C3: 130.81,
  D3: 146.83,
  E3: 164.81,
  F3: 174.61,
  G3: 196,
  'G#3': 207.65,
  A3: 220,
  B3: 246.94,
  C4: 261.63,
  'C#4': 277.18,
  D4: 293.66,
  E4: 329.63,
  F4: 349.23,
  'F#3': 185,
  G4: 392,
  'G#4': 415.3,
  A4: 440,
  B4: 493.88,
};

/** Chords one after another (each a list of notes, sine tones, `secondsEach` long), as one mono WAV. */
export function chords(dir: string, name: string, progression: string[][], secondsEach: number): string {
  const parts = progression.map((notes, i) => {
    const part = join(dir, `${name}-${i}.wav`);
    const tones = notes.flatMap((n) => ['sine', String(NOTE_HZ[n] ?? Number.NaN)]);
    sox([
      '-n',
      '-r',
      '44100',
      '-c',
      '1',
      part,
      'synth',
      String(secondsEach),
      ...tones,
      'remix',
      '-',
      'vol',
      '0.25',
      'fade',
      '0.05',
      String(secondsEach),
      '0.05',
    ]);
    return part;
  });
  const file = join(dir, name);
  sox([...parts, file]);
  return file;
}
