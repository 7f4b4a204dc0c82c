import { keyId, parseKey } from '../../../../shared/musical-key';
import { magnitudeSpectrum } from './fft';

/**
 * Musical key of a decoded track, streaming and pure.
 *
 * 1. Chroma: 4096-sample Hann frames at ~11 kHz (2.7 Hz bins, finer than a
 *    semitone from 55 Hz up), hop 2048. Each bin from 55 Hz to 2 kHz adds its
 *    magnitude to its nearest pitch class, weighted by how close it is to the
 *    semitone's centre (so a bin between two notes counts for neither).
 *    Each frame's chroma is normalised first, so loud passages do not outvote
 *    the rest.
 * 2. The track's summed chroma is correlated (Pearson) with the 24 rotations
 *    of the Krumhansl–Kessler major and minor key profiles; the best is the
 *    key, reported as a Camelot position (`8A` = A minor, `8B` = C major).
 */

const FRAME = 4096;
const HOP = 2048;
const LOW_HZ = 55;
const HIGH_HZ = 2000;
const MIN_CHROMA_SPREAD = 0.2;

/** Krumhansl & Kessler (1982) probe-tone ratings, tonic first. */
const MAJOR_PROFILE = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR_PROFILE = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];
const PITCH_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

export interface KeyResult {
  /** Camelot id (`8A`), or null when there is no tonal content (silence, noise, drums only). */
  key: string | null;
  /** Correlation of the chroma with the best key's profile (−1…1). */
  correlation: number;
  /** 0–1: the best key's correlation less the runner-up's (other than its relative). */
  confidence: number;
}

export class KeyDetector {
  private readonly re = new Float64Array(FRAME);
  private readonly im = new Float64Array(FRAME);
  private readonly spectrum = new Float64Array(FRAME / 2 + 1);
  private readonly chroma = new Float64Array(12);
  private readonly binClass: Int8Array;
  private readonly binWeight: Float64Array;
  private pending = new Float32Array(0);
  private frames = 0;

  constructor(readonly rate: number) {
    this.binClass = new Int8Array(FRAME / 2 + 1).fill(-1);
    this.binWeight = new Float64Array(FRAME / 2 + 1);
    for (let k = 1; k <= FRAME / 2; k++) {
      const hz = (k * rate) / FRAME;
      if (hz < LOW_HZ || hz > HIGH_HZ) continue;
      const midi = 69 + 12 * Math.log2(hz / 440);
      const nearest = Math.round(midi);
      const offset = Math.abs(midi - nearest); // 0 at the centre, 0.5 half-way to the next note
      this.binClass[k] = ((nearest % 12) + 12) % 12;
      this.binWeight[k] = Math.cos(Math.PI * offset) ** 2;
    }
  }

  push(samples: Float32Array): void {
    const buffer = new Float32Array(this.pending.length + samples.length);
    buffer.set(this.pending);
    buffer.set(samples, this.pending.length);
    let at = 0;
    for (; at + FRAME <= buffer.length; at += HOP) this.addFrame(buffer, at);
    this.pending = buffer.slice(at);
  }

  private addFrame(buffer: Float32Array, at: number): void {
    magnitudeSpectrum(buffer, at, FRAME, this.re, this.im, this.spectrum);
    const frame = new Float64Array(12);
    let total = 0;
    for (let k = 1; k < this.spectrum.length; k++) {
      const pc = this.binClass[k]!;
      if (pc < 0) continue;
      const v = this.spectrum[k]! * this.binWeight[k]!;
      frame[pc] = frame[pc]! + v;
      total += v;
    }
    if (total < 1e-3) return; // silence
    for (let i = 0; i < 12; i++) this.chroma[i] = this.chroma[i]! + frame[i]! / total;
    this.frames++;
  }

  result(): KeyResult {
    if (this.frames === 0) return { key: null, correlation: 0, confidence: 0 };
    // Noise and drums spread over every pitch class: too flat a chroma has no key.
    if (spread(this.chroma) < MIN_CHROMA_SPREAD) return { key: null, correlation: 0, confidence: 0 };
    return keyFromChroma(this.chroma);
  }
}

/** The best of the 24 keys for a 12-bin chroma (index 0 = C). */
export function keyFromChroma(chroma: ArrayLike<number>): KeyResult {
  const scores: Array<{ tonic: number; minor: boolean; r: number }> = [];
  for (let tonic = 0; tonic < 12; tonic++) {
    for (const minor of [false, true]) {
      const profile = minor ? MINOR_PROFILE : MAJOR_PROFILE;
      const rotated = Array.from({ length: 12 }, (_, pc) => profile[(pc - tonic + 12) % 12]!);
      scores.push({ tonic, minor, r: pearson(chroma, rotated) });
    }
  }
  scores.sort((a, b) => b.r - a.r);
  const best = scores[0]!;
  if (!Number.isFinite(best.r) || best.r < 0.3)
    return { key: null, correlation: Number.isFinite(best.r) ? best.r : 0, confidence: 0 };
  const key = parseKey(`${PITCH_NAMES[best.tonic]!}${best.minor ? 'm' : ''}`)!;
  const relative = (best.tonic + (best.minor ? 3 : 9)) % 12;
  const rival = scores.find((s) => !(s.tonic === relative && s.minor !== best.minor) && s !== best)!;
  return { key: keyId(key), correlation: round3(best.r), confidence: round3(Math.max(0, best.r - rival.r)) };
}

/** Standard deviation over mean of the chroma: 0 when flat, about 1.3 for a single triad. */
export function spread(chroma: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < 12; i++) mean += chroma[i]!;
  mean /= 12;
  if (!(mean > 0)) return 0;
  let variance = 0;
  for (let i = 0; i < 12; i++) variance += (chroma[i]! - mean) ** 2;
  return Math.sqrt(variance / 12) / mean;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : NaN;
}
