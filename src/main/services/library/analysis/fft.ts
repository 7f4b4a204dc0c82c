/**
 * An in-place radix-2 FFT and a windowed magnitude spectrum, enough for
 * onset and chroma features (sizes are powers of two, 256 to 8192). Pure.
 */

const twiddles = new Map<number, { cos: Float64Array; sin: Float64Array; reverse: Uint32Array }>();

function tables(n: number) {
  let t = twiddles.get(n);
  if (t) return t;
  if (n < 2 || (n & (n - 1)) !== 0) throw new RangeError(`FFT size must be a power of two, got ${n}`);
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let i = 0; i < n / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = -Math.sin((2 * Math.PI * i) / n);
  }
  const bits = Math.log2(n);
  const reverse = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    reverse[i] = r;
  }
  t = { cos, sin, reverse };
  twiddles.set(n, t);
  return t;
}

/** Transforms (re, im) in place. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  const { cos, sin, reverse } = tables(n);
  for (let i = 0; i < n; i++) {
    const j = reverse[i]!;
    if (j > i) {
      const r = re[i]!;
      re[i] = re[j]!;
      re[j] = r;
      const m = im[i]!;
      im[i] = im[j]!;
      im[j] = m;
    }
  }
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

const windows = new Map<number, Float64Array>();

/** A periodic Hann window of length n. */
export function hann(n: number): Float64Array {
  let w = windows.get(n);
  if (!w) {
    w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    windows.set(n, w);
  }
  return w;
}

/**
 * Magnitudes of bins 0…n/2 of the Hann-windowed frame `samples[from … from+n)`
 * into `out` (length n/2 + 1). `re` and `im` are scratch of length n.
 */
export function magnitudeSpectrum(
  samples: Float32Array,
  from: number,
  n: number,
  re: Float64Array,
  im: Float64Array,
  out: Float64Array,
): void {
  const w = hann(n);
  for (let i = 0; i < n; i++) {
    re[i] = samples[from + i]! * w[i]!;
    im[i] = 0;
  }
  fft(re, im);
  for (let k = 0; k <= n / 2; k++) out[k] = Math.sqrt(re[k]! * re[k]! + im[k]! * im[k]!);
}
