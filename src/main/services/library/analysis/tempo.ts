import { magnitudeSpectrum } from './fft';

/**
 * Tempo (BPM) of a decoded track, streaming and pure.
 *
 * 1. Onset strength: the spectral flux of the log-compressed magnitude
 *    spectrum (256-sample Hann frames at ~11 kHz, a hop of 64 samples, ~170
 *    frames a second): how much new energy each frame brings, summed over
 *    frequency. Drums and note attacks make peaks.
 * 2. The local mean (a 1 s moving average) is taken away and what is left
 *    below zero dropped, so slow swells do not count as beats.
 * 3. Autocorrelation of that envelope. A tempo T scores the mean of the
 *    autocorrelation at 1, 2, 3 and 4 beat periods (interpolated between
 *    lags), so the score is sharp to a fraction of a frame; a broad prior
 *    around 120 BPM (log-normal, as in common beat trackers) breaks the tie
 *    between a tempo and its half, which a steady pulse scores almost alike.
 * 4. The best of 60–200 BPM (0.01 BPM steps near the peak) is folded into
 *    70–180 for DJ use (doubled below, halved above).
 */

export const MIN_BPM = 60;
export const MAX_BPM = 200;
export const DJ_MIN_BPM = 70;
export const DJ_MAX_BPM = 180;

const FRAME = 256;
const HOP = 64;
const BEATS = 4;
/**
 * Below this periodicity the track has no steady beat (speech, noise): a click
 * track scores about 0.8, a kick under a pad as much; pink noise 0.05 as WAV
 * but up to 0.2 as an MP3, whose 26 ms frames leave a faint pulse of their own.
 */
const MIN_CONFIDENCE = 0.25;

export interface TempoResult {
  /** Folded into 70–180, two decimals; null when the track has no pulse to speak of. */
  bpm: number | null;
  /** The tempo the autocorrelation liked best, before folding (60–200). */
  rawBpm: number | null;
  /** 0–1: the envelope's autocorrelation at 1–4 beats of the best tempo, against its energy (1 = a metronome). */
  confidence: number;
}

export class TempoDetector {
  private readonly re = new Float64Array(FRAME);
  private readonly im = new Float64Array(FRAME);
  private spectrum = new Float64Array(FRAME / 2 + 1);
  // Swapped with `spectrum` after each frame, so the last frame's log spectrum is kept without copying.
  private previous = new Float64Array(FRAME / 2 + 1);
  private pending = new Float32Array(0);
  private onsets = new Float32Array(4096);
  private count = 0;

  constructor(readonly rate: number) {}

  get framesPerSecond(): number {
    return this.rate / HOP;
  }

  /** Adds mono samples at `rate`. */
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
    let flux = 0;
    for (let k = 1; k < this.spectrum.length; k++) {
      const v = Math.log1p(1000 * this.spectrum[k]!);
      this.spectrum[k] = v;
      const rise = v - this.previous[k]!;
      if (rise > 0) flux += rise;
    }
    [this.previous, this.spectrum] = [this.spectrum, this.previous];
    if (this.count === this.onsets.length) {
      const grown = new Float32Array(this.onsets.length * 2);
      grown.set(this.onsets);
      this.onsets = grown;
    }
    this.onsets[this.count++] = flux;
  }

  result(): TempoResult {
    const fps = this.framesPerSecond;
    const envelope = detrend(this.onsets.subarray(0, this.count), Math.round(fps));
    const maxLag = Math.ceil((BEATS * 60 * fps) / MIN_BPM) + 2;
    if (envelope.length < maxLag * 2) return { bpm: null, rawBpm: null, confidence: 0 };
    const ac = autocorrelation(envelope, maxLag);
    if (!(ac[0]! > 0)) return { bpm: null, rawBpm: null, confidence: 0 };
    const score = (bpm: number) => tempoScore(ac, (60 * fps) / bpm) * tempoPrior(bpm);
    let best = MIN_BPM;
    let bestScore = -Infinity;
    for (let bpm = MIN_BPM; bpm <= MAX_BPM; bpm += 0.1) {
      const s = score(bpm);
      if (s > bestScore) [best, bestScore] = [bpm, s];
    }
    for (let bpm = best - 0.1; bpm <= best + 0.1; bpm += 0.005) {
      const s = score(bpm);
      if (s > bestScore) [best, bestScore] = [bpm, s];
    }
    // How periodic the envelope is at the best tempo: its autocorrelation there against at lag 0.
    const confidence = Math.max(0, Math.min(1, tempoScore(ac, (60 * fps) / best) / ac[0]!));
    if (bestScore <= 0 || confidence < MIN_CONFIDENCE)
      return { bpm: null, rawBpm: null, confidence: round2(confidence) };
    return { bpm: round2(foldForDj(best)), rawBpm: round2(best), confidence: round2(confidence) };
  }
}

/** Doubles a tempo below 70 and halves one above 180, so every DJ tempo reads in 70–180. */
export function foldForDj(bpm: number): number {
  let b = bpm;
  while (b < DJ_MIN_BPM) b *= 2;
  while (b > DJ_MAX_BPM) b /= 2;
  return b;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** The envelope less its 1-window moving average, negative parts dropped. */
function detrend(onsets: Float32Array, window: number): Float64Array {
  const n = onsets.length;
  const out = new Float64Array(n);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + onsets[i]!;
  const half = Math.max(1, Math.floor(window / 2));
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - half);
    const hi = Math.min(n, i + half + 1);
    const v = onsets[i]! - (prefix[hi]! - prefix[lo]!) / (hi - lo);
    out[i] = v > 0 ? v : 0;
  }
  return out;
}

/** r[l] = mean of x[i]·x[i+l] over the overlap, for l in 0…maxLag. */
function autocorrelation(x: Float64Array, maxLag: number): Float64Array {
  const n = x.length;
  const r = new Float64Array(maxLag + 1);
  for (let l = 0; l <= maxLag; l++) {
    let sum = 0;
    for (let i = 0; i + l < n; i++) sum += x[i]! * x[i + l]!;
    r[l] = sum / (n - l);
  }
  return r;
}

function interpolate(r: Float64Array, lag: number): number {
  const i = Math.floor(lag);
  const f = lag - i;
  return r[i]! * (1 - f) + r[Math.min(r.length - 1, i + 1)]! * f;
}

/** Mean autocorrelation at 1…4 beat periods. */
function tempoScore(r: Float64Array, period: number): number {
  let sum = 0;
  for (let k = 1; k <= BEATS; k++) sum += interpolate(r, k * period);
  return sum / BEATS;
}

/** A broad log-normal preference around 120 BPM (1.4 octaves wide at 1/e). */
function tempoPrior(bpm: number): number {
  const octaves = Math.log2(bpm / 120);
  return Math.exp(-0.5 * (octaves / 1.4) ** 2);
}
