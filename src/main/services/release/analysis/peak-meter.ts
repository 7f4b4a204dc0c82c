/**
 * Sample peak, clipped samples and true peak, streaming and pure.
 *
 * - A sample is *clipped* when it sits at or beyond full scale: |x| ≥ the
 *   largest positive 16-bit value (32767/32768), so a 16-bit or 24-bit file
 *   pinned at the rails counts, and so does a lossy decode that overshoots.
 * - The *true peak* (BS.1770-4 Annex 2) estimates the peak of the analogue
 *   signal between samples, by 4× oversampling with a 48-tap interpolator
 *   (12 taps per phase, Hann-windowed sinc). A master whose samples all stay
 *   below 0 dBFS can still overshoot after a listener's decoder or DAC, which
 *   is why streaming services ask for ≤ −1 dBTP.
 */

export const FULL_SCALE_CLIP_LEVEL = 32767 / 32768;
const OVERSAMPLING = 4;
const TAPS_PER_PHASE = 12;
const HALF = TAPS_PER_PHASE / 2;

/** coefficients[p][i] weighs sample x[m − i] for the point (p / 4) after x[m − 6]. */
function interpolatorCoefficients(): Float64Array[] {
  const phases: Float64Array[] = [];
  for (let p = 1; p < OVERSAMPLING; p++) {
    const c = new Float64Array(TAPS_PER_PHASE);
    let sum = 0;
    for (let i = 0; i < TAPS_PER_PHASE; i++) {
      const d = i - HALF + p / OVERSAMPLING;
      const sinc = d === 0 ? 1 : Math.sin(Math.PI * d) / (Math.PI * d);
      const window = 0.5 * (1 + Math.cos((Math.PI * d) / (HALF + 1)));
      c[i] = sinc * window;
      sum += c[i]!;
    }
    // Unity gain at DC for every phase, so a constant signal reads its own level.
    for (let i = 0; i < TAPS_PER_PHASE; i++) c[i]! /= sum;
    phases.push(c);
  }
  return phases;
}

const PHASES = interpolatorCoefficients();

export interface PeakResult {
  /** Highest |sample|, linear full scale (1 = 0 dBFS). */
  samplePeak: number;
  /** Highest |interpolated value|, linear; ≥ samplePeak. */
  truePeak: number;
  /** Samples (over all channels) at or beyond full scale. */
  clippedSamples: number;
  /** Samples measured (over all channels). */
  samples: number;
}

export class PeakMeter {
  /** The last 12 samples per channel, newest first, carried across chunks. */
  private readonly history: Float64Array[];
  private samplePeak = 0;
  private truePeak = 0;
  private clipped = 0;
  private samples = 0;

  constructor(readonly channels: number) {
    this.history = Array.from({ length: channels }, () => new Float64Array(TAPS_PER_PHASE));
  }

  push(channelData: readonly Float32Array[]): void {
    for (let c = 0; c < this.channels; c++) this.scan(this.history[c]!, channelData[c]!);
  }

  private scan(h: Float64Array, samples: Float32Array): void {
    let samplePeak = this.samplePeak;
    let truePeak = this.truePeak;
    let clipped = 0;
    const [c1, c2, c3] = PHASES as [Float64Array, Float64Array, Float64Array];
    for (let n = 0; n < samples.length; n++) {
      const x = samples[n]!;
      const a = Math.abs(x);
      if (a > samplePeak) samplePeak = a;
      if (a >= FULL_SCALE_CLIP_LEVEL) clipped++;
      h.copyWithin(1, 0, TAPS_PER_PHASE - 1);
      h[0] = x;
      let y1 = 0;
      let y2 = 0;
      let y3 = 0;
      for (let i = 0; i < TAPS_PER_PHASE; i++) {
        const v = h[i]!;
        y1 += c1[i]! * v;
        y2 += c2[i]! * v;
        y3 += c3[i]! * v;
      }
      const m = Math.max(Math.abs(y1), Math.abs(y2), Math.abs(y3));
      if (m > truePeak) truePeak = m;
    }
    this.samplePeak = samplePeak;
    this.truePeak = Math.max(truePeak, samplePeak);
    this.clipped += clipped;
    this.samples += samples.length;
  }

  result(): PeakResult {
    return {
      samplePeak: this.samplePeak,
      truePeak: this.truePeak,
      clippedSamples: this.clipped,
      samples: this.samples,
    };
  }
}

/** Linear full scale to dBFS (−Infinity for 0). */
export function toDb(linear: number): number {
  return linear > 0 ? 20 * Math.log10(linear) : -Infinity;
}
