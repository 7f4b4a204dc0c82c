/**
 * Integrated loudness per ITU-R BS.1770-4 / EBU R128, streaming and pure (no
 * Node, no I/O), so it can run on decoded chunks of any length in a worker.
 *
 * 1. K-weighting: a high-shelf "head" filter then a high-pass "RLB" filter,
 *    each a biquad. The coefficients are derived for any sample rate from the
 *    analogue prototypes (the same derivation as libebur128), so 44.1 kHz
 *    files need no resampling; at 48 kHz they equal the table in BS.1770.
 * 2. Mean square per channel over 400 ms blocks that overlap by 75 %
 *    (a new block every 100 ms), weighted per channel (surrounds 1.41, LFE 0).
 * 3. Gating: blocks below −70 LUFS are dropped (absolute gate); of the rest,
 *    blocks more than 10 LU below their mean loudness are dropped (relative
 *    gate); the integrated loudness is the loudness of the mean of what is left.
 */

export const ABSOLUTE_GATE_LUFS = -70;
export const RELATIVE_GATE_LU = -10;

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** The two K-weighting stages for a sample rate (BS.1770-4 Annex 1, generalised). */
export function kWeightingFilters(sampleRate: number): [Biquad, Biquad] {
  // Stage 1: high shelf, about +4 dB above 1.5 kHz (models the head).
  let f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  let q = 0.7071752369554196;
  let k = Math.tan((Math.PI * f0) / sampleRate);
  const vh = 10 ** (gainDb / 20);
  const vb = vh ** 0.4996667741545416;
  let a0 = 1 + k / q + k * k;
  const shelf: Biquad = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
  // Stage 2: high pass at about 38 Hz (the "revised low-frequency B" curve).
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + k / q + k * k;
  const highPass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
  return [shelf, highPass];
}

/**
 * BS.1770 channel weights for the usual layouts, in the common WAV/FLAC
 * channel order (L R C LFE Ls Rs). Mono and stereo channels weigh 1.
 */
export function channelWeights(channels: number): number[] {
  if (channels === 6) return [1, 1, 1, 0, 1.41, 1.41];
  if (channels === 5) return [1, 1, 1, 1.41, 1.41];
  return new Array<number>(channels).fill(1);
}

/** Loudness of a weighted mean square, in LUFS (−Infinity for silence). */
export function loudnessOf(weightedMeanSquare: number): number {
  return weightedMeanSquare > 0 ? -0.691 + 10 * Math.log10(weightedMeanSquare) : -Infinity;
}

export interface LoudnessResult {
  /** Integrated (gated) loudness in LUFS; null when no block passes the absolute gate (silence). */
  integratedLufs: number | null;
  /** 400 ms blocks measured, and how many passed both gates. */
  blocks: number;
  gatedBlocks: number;
}

export class LoudnessMeter {
  private readonly filters: [Biquad, Biquad];
  private readonly weights: number[];
  /** Per channel filter state: x1 x2 y1 y2 of stage 1, then y1 y2 of stage 2 (its input is stage 1's output). */
  private readonly state: Float64Array[];
  private readonly samplesPer100ms: number;
  /** Weighted sum of squares of the 100 ms sub-block being filled, and its sample count. */
  private subBlockSum = 0;
  private subBlockFill = 0;
  /** The last four complete sub-blocks (a 400 ms block is their sum). */
  private readonly recent: number[] = [];
  /** Weighted mean square of every complete 400 ms block. */
  private readonly blockPowers: number[] = [];

  constructor(
    readonly sampleRate: number,
    readonly channels: number,
  ) {
    if (!Number.isFinite(sampleRate) || sampleRate < 8000)
      throw new RangeError(`unsupported sample rate ${sampleRate}`);
    if (!Number.isInteger(channels) || channels < 1 || channels > 8)
      throw new RangeError(`unsupported channel count ${channels}`);
    this.filters = kWeightingFilters(sampleRate);
    this.weights = channelWeights(channels);
    this.state = Array.from({ length: channels }, () => new Float64Array(6));
    this.samplesPer100ms = Math.round(sampleRate / 10);
  }

  /** Adds one chunk: one array per channel, all the same length, samples in −1…1 (full scale). */
  push(channelData: readonly Float32Array[]): void {
    if (channelData.length !== this.channels)
      throw new RangeError(`expected ${this.channels} channels, got ${channelData.length}`);
    const length = channelData[0]!.length;
    let offset = 0;
    while (offset < length) {
      const take = Math.min(length - offset, this.samplesPer100ms - this.subBlockFill);
      for (let c = 0; c < this.channels; c++) {
        const weight = this.weights[c]!;
        if (weight === 0) continue;
        this.subBlockSum += weight * this.filterSquares(c, channelData[c]!, offset, offset + take);
      }
      this.subBlockFill += take;
      offset += take;
      if (this.subBlockFill === this.samplesPer100ms) this.closeSubBlock();
    }
  }

  /** Runs channel c's K-weighting over samples [from, to) and returns the sum of squares of the output. */
  private filterSquares(c: number, samples: Float32Array, from: number, to: number): number {
    const [s, h] = this.filters;
    const st = this.state[c]!;
    let [x1, x2, y1, y2, z1, z2] = st as unknown as [number, number, number, number, number, number];
    let sum = 0;
    for (let i = from; i < to; i++) {
      const x = samples[i]!;
      const y = s.b0 * x + s.b1 * x1 + s.b2 * x2 - s.a1 * y1 - s.a2 * y2;
      x2 = x1;
      x1 = x;
      // Stage 2's input history is stage 1's output history (y1, y2 before the shift).
      const z = h.b0 * y + h.b1 * y1 + h.b2 * y2 - h.a1 * z1 - h.a2 * z2;
      y2 = y1;
      y1 = y;
      z2 = z1;
      z1 = z;
      sum += z * z;
    }
    st[0] = x1;
    st[1] = x2;
    st[2] = y1;
    st[3] = y2;
    st[4] = z1;
    st[5] = z2;
    return sum;
  }

  private closeSubBlock(): void {
    this.recent.push(this.subBlockSum);
    if (this.recent.length > 4) this.recent.shift();
    if (this.recent.length === 4) {
      const sum = this.recent[0]! + this.recent[1]! + this.recent[2]! + this.recent[3]!;
      this.blockPowers.push(sum / (4 * this.samplesPer100ms));
    }
    this.subBlockSum = 0;
    this.subBlockFill = 0;
  }

  /** The integrated loudness of everything pushed so far (a trailing partial block is left out, as BS.1770 does). */
  result(): LoudnessResult {
    const blocks = this.blockPowers.length;
    const absoluteThreshold = 10 ** ((ABSOLUTE_GATE_LUFS + 0.691) / 10);
    const aboveAbsolute = this.blockPowers.filter((p) => p > absoluteThreshold);
    if (aboveAbsolute.length === 0) return { integratedLufs: null, blocks, gatedBlocks: 0 };
    const relativeGateLufs = loudnessOf(mean(aboveAbsolute)) + RELATIVE_GATE_LU;
    const relativeThreshold = 10 ** ((relativeGateLufs + 0.691) / 10);
    const gated = aboveAbsolute.filter((p) => p > relativeThreshold);
    return { integratedLufs: loudnessOf(mean(gated)), blocks, gatedBlocks: gated.length };
  }
}

function mean(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
