import { decodeAudioFile, type AudioCodec } from '../../release/analysis/decode-audio';
import { LoudnessMeter } from '../../release/analysis/loudness-meter';
import { PeakMeter } from '../../release/analysis/peak-meter';
import { MonoDecimator } from './downmix';
import { KeyDetector } from './key';
import { TempoDetector } from './tempo';

/**
 * Everything the library learns from a track's audio in one decode: EBU R128
 * integrated loudness and peaks (for ReplayGain 2.0), tempo and key (for DJs).
 */

/** ReplayGain 2.0 reference level: a track at −18 LUFS gets 0 dB of gain. */
export const REPLAYGAIN_REFERENCE_LUFS = -18;

export type TrackAnalysis =
  | {
      measured: true;
      codec: AudioCodec;
      sampleRate: number;
      channels: number;
      decodedDurationMs: number;
      /** null for silence. */
      integratedLufs: number | null;
      /** ReplayGain 2.0 track gain in dB (−18 LUFS − loudness); null for silence. */
      trackGainDb: number | null;
      /** Linear, 1 = full scale. */
      samplePeak: number;
      truePeak: number;
      bpm: number | null;
      bpmConfidence: number;
      /** Camelot id, e.g. `8A`. */
      key: string | null;
      keyConfidence: number;
      /** CPU time of this analysis, for the report's speed figure. */
      elapsedMs: number;
    }
  | { measured: false; reason: 'unsupported' | 'corrupt'; detail: string };

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

export function replayGainFor(integratedLufs: number | null): number | null {
  return integratedLufs === null ? null : round(REPLAYGAIN_REFERENCE_LUFS - integratedLufs, 2);
}

interface Meters {
  loudness: LoudnessMeter;
  peaks: PeakMeter;
  mono: MonoDecimator;
  tempo: TempoDetector;
  key: KeyDetector;
}

function metersFor(sampleRate: number, channels: number): Meters {
  const mono = new MonoDecimator(sampleRate);
  return {
    loudness: new LoudnessMeter(sampleRate, channels),
    peaks: new PeakMeter(channels),
    mono,
    tempo: new TempoDetector(mono.rate),
    key: new KeyDetector(mono.rate),
  };
}

export async function analyzeTrack(file: string): Promise<TrackAnalysis> {
  const started = performance.now();
  let meters: Meters | null = null;
  const outcome = await decodeAudioFile(file, (channelData, sampleRate) => {
    meters ??= metersFor(sampleRate, channelData.length);
    if (channelData.length !== meters.loudness.channels || sampleRate !== meters.loudness.sampleRate) {
      throw new Error('the stream changed its sample rate or channel count midway');
    }
    meters.loudness.push(channelData);
    meters.peaks.push(channelData);
    const mono = meters.mono.push(channelData);
    meters.tempo.push(mono);
    meters.key.push(mono);
  });
  if (!outcome.ok) return { measured: false, reason: outcome.reason, detail: outcome.detail };
  const m = meters as Meters | null;
  if (!m) return { measured: false, reason: 'corrupt', detail: 'no audio could be decoded' };
  const loudness = m.loudness.result().integratedLufs;
  const peaks = m.peaks.result();
  const tempo = m.tempo.result();
  const key = m.key.result();
  const integratedLufs = loudness === null ? null : round(loudness, 2);
  return {
    measured: true,
    codec: outcome.codec,
    sampleRate: outcome.sampleRate,
    channels: outcome.channels,
    decodedDurationMs: Math.round((outcome.frames * 1000) / outcome.sampleRate),
    integratedLufs,
    trackGainDb: replayGainFor(integratedLufs),
    samplePeak: round(peaks.samplePeak, 6),
    truePeak: round(peaks.truePeak, 6),
    bpm: tempo.bpm,
    bpmConfidence: tempo.confidence,
    key: key.key,
    keyConfidence: key.confidence,
    elapsedMs: Math.round(performance.now() - started),
  };
}
