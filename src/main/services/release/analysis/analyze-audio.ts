import { decodeAudioFile, type AudioCodec } from './decode-audio';
import { LoudnessMeter } from './loudness-meter';
import { PeakMeter, toDb } from './peak-meter';

/**
 * What the release checks need to know about a track's audio: integrated
 * loudness, peaks and clipping, measured on the decoded PCM. A file that
 * cannot be decoded here says so (`measured: false`) and the checks report
 * that the loudness and clipping checks did not run.
 */
export type AudioAnalysis =
  | {
      measured: true;
      codec: AudioCodec;
      sampleRate: number;
      channels: number;
      decodedDurationMs: number;
      /** null for silence (nothing above the −70 LUFS gate). */
      integratedLufs: number | null;
      samplePeakDbfs: number | null;
      truePeakDbtp: number | null;
      clippedSamples: number;
      decodeErrors: number;
    }
  | { measured: false; reason: 'unsupported' | 'corrupt'; detail: string };

const roundTo = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;
const finiteOrNull = (db: number) => (Number.isFinite(db) ? roundTo(db, 2) : null);

export async function analyzeAudio(file: string): Promise<AudioAnalysis> {
  let loudness: LoudnessMeter | null = null;
  let peaks: PeakMeter | null = null;
  const outcome = await decodeAudioFile(file, (channelData, sampleRate) => {
    // Meters are made on the first chunk, once rate and channels are known.
    loudness ??= new LoudnessMeter(sampleRate, channelData.length);
    peaks ??= new PeakMeter(channelData.length);
    if (channelData.length !== loudness.channels || sampleRate !== loudness.sampleRate) {
      throw new Error('the stream changed its sample rate or channel count midway');
    }
    loudness.push(channelData);
    peaks.push(channelData);
  });
  if (!outcome.ok) return { measured: false, reason: outcome.reason, detail: outcome.detail };
  const l = (loudness as LoudnessMeter | null)!.result();
  const p = (peaks as PeakMeter | null)!.result();
  return {
    measured: true,
    codec: outcome.codec,
    sampleRate: outcome.sampleRate,
    channels: outcome.channels,
    decodedDurationMs: Math.round((outcome.frames * 1000) / outcome.sampleRate),
    integratedLufs: l.integratedLufs === null ? null : roundTo(l.integratedLufs, 2),
    samplePeakDbfs: finiteOrNull(toDb(p.samplePeak)),
    truePeakDbtp: finiteOrNull(toDb(p.truePeak)),
    clippedSamples: p.clippedSamples,
    decodeErrors: outcome.decodeErrors,
  };
}
