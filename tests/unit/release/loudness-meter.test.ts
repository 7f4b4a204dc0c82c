import { describe, expect, it } from 'vitest';
import { LoudnessMeter } from '../../../src/main/services/release/analysis/loudness-meter';
import { PeakMeter, toDb } from '../../../src/main/services/release/analysis/peak-meter';

/** A 997 Hz sine (the EBU Tech 3341 test frequency) at a peak level in dBFS, as one channel. */
function sine(levelDbfs: number, seconds: number, sampleRate: number, frequency = 997): Float32Array {
  const amplitude = 10 ** (levelDbfs / 20);
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++)
    out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return out;
}

/** Feeds segments (level, seconds) to a meter in uneven chunks, as a decoder would. */
function measure(segments: Array<[number, number]>, channels: number, sampleRate = 48000): number | null {
  const meter = new LoudnessMeter(sampleRate, channels);
  for (const [level, seconds] of segments) {
    const mono = sine(level, seconds, sampleRate);
    for (let offset = 0; offset < mono.length; offset += 12_345) {
      const chunk = mono.subarray(offset, Math.min(mono.length, offset + 12_345));
      meter.push(Array.from({ length: channels }, () => chunk));
    }
  }
  return meter.result().integratedLufs;
}

describe('LoudnessMeter (BS.1770-4 / EBU R128)', () => {
  it('EBU Tech 3341 test 1: stereo 997 Hz at −23 dBFS reads −23.0 LUFS', () => {
    expect(measure([[-23, 20]], 2)).toBeCloseTo(-23, 1);
  });

  it('EBU Tech 3341 test 2: stereo 997 Hz at −33 dBFS reads −33.0 LUFS', () => {
    expect(measure([[-33, 20]], 2)).toBeCloseTo(-33, 1);
  });

  it('stereo 997 Hz at −18 dBFS reads −18.0 LUFS, at 48 kHz and 44.1 kHz', () => {
    expect(Math.abs(measure([[-18, 10]], 2)! + 18)).toBeLessThan(0.1);
    expect(Math.abs(measure([[-18, 10]], 2, 44100)! + 18)).toBeLessThan(0.1);
  });

  it('mono 1 kHz at −20 dBFS reads about −23.0 LUFS (one channel carries half the power)', () => {
    const meter = new LoudnessMeter(48000, 1);
    meter.push([sine(-20, 10, 48000, 1000)]);
    expect(Math.abs(meter.result().integratedLufs! + 23.0)).toBeLessThan(0.1);
  });

  it('EBU Tech 3341 test 3: the relative gate ignores the quiet parts (−36/−23/−36 → −23.0)', () => {
    expect(
      Math.abs(
        measure(
          [
            [-36, 10],
            [-23, 60],
            [-36, 10],
          ],
          2,
        )! + 23,
      ),
    ).toBeLessThan(0.1);
  });

  it('EBU Tech 3341 test 4: both gates (−72/−36/−23/−36/−72 → −23.0)', () => {
    expect(
      Math.abs(
        measure(
          [
            [-72, 10],
            [-36, 10],
            [-23, 60],
            [-36, 10],
            [-72, 10],
          ],
          2,
        )! + 23,
      ),
    ).toBeLessThan(0.1);
  });

  it('silence and blocks under −70 LUFS give no integrated loudness', () => {
    expect(measure([[-90, 5]], 2)).toBeNull();
    const meter = new LoudnessMeter(48000, 2);
    meter.push([new Float32Array(48000), new Float32Array(48000)]);
    expect(meter.result()).toEqual({ integratedLufs: null, blocks: 7, gatedBlocks: 0 });
  });

  it('counts 400 ms blocks every 100 ms, leaving out a trailing partial block', () => {
    const meter = new LoudnessMeter(48000, 1);
    meter.push([sine(-20, 1.05, 48000)]);
    expect(meter.result().blocks).toBe(7); // blocks end at 0.4, 0.5, …, 1.0 s
  });
});

describe('PeakMeter', () => {
  it('reads the sample peak and no clipping for a clean sine', () => {
    const meter = new PeakMeter(1);
    meter.push([sine(-6, 1, 48000)]);
    const r = meter.result();
    expect(toDb(r.samplePeak)).toBeCloseTo(-6, 1);
    expect(r.clippedSamples).toBe(0);
    expect(toDb(r.truePeak)).toBeLessThan(-5.8);
  });

  it('counts samples pinned at full scale', () => {
    const hot = sine(6, 1, 48000).map((x) => Math.max(-1, Math.min(1, x)));
    const meter = new PeakMeter(1);
    meter.push([hot]);
    expect(meter.result().clippedSamples).toBeGreaterThan(10_000);
  });

  it('finds an inter-sample peak above the sample peak (fs/4 sine sampled at ±45°)', () => {
    // Samples of sin(πn/2 + π/4) are all ±0.707; the waveform between them reaches 1.0 (+3 dB).
    const x = new Float32Array(4800).map(
      (_, n) => Math.SQRT1_2 * Math.sin((Math.PI * n) / 2 + Math.PI / 4) * Math.SQRT2 * 0.5,
    );
    const meter = new PeakMeter(1);
    meter.push([x]);
    const r = meter.result();
    expect(toDb(r.samplePeak)).toBeCloseTo(-9.03, 1);
    expect(toDb(r.truePeak) - toDb(r.samplePeak)).toBeGreaterThan(2.5);
  });
});
