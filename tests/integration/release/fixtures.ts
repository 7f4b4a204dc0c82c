import { execFileSync, spawnSync } from 'node:child_process';

/** Test audio made with ffmpeg, so the suite needs no binary fixtures. */
export function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** A stereo 997 Hz sine, `seconds` long, at a peak level (dBFS); `overdrive` > 1 clips it at full scale. */
export function sineSource(levelDbfs: number, seconds: number, sampleRate = 48000, overdrive = 1): string[] {
  const a = 10 ** (levelDbfs / 20) * overdrive;
  const expr = `clip(${a.toFixed(6)}*sin(2*PI*997*t)\\,-1\\,1)`;
  return ['-f', 'lavfi', '-i', `aevalsrc=${expr}|${expr}:s=${sampleRate}:d=${seconds}`];
}

export function tags(t: {
  title?: string;
  albumArtist?: string;
  artist?: string;
  album?: string;
  track?: string;
  year?: string;
}): string[] {
  const out: string[] = [];
  const add = (key: string, value: string | undefined) =>
    value !== undefined && out.push('-metadata', `${key}=${value}`);
  add('title', t.title);
  add('artist', t.artist);
  add('album_artist', t.albumArtist);
  add('album', t.album);
  add('track', t.track);
  add('date', t.year);
  return out;
}

/** ffmpeg's own EBU R128 meter (the ebur128 filter's summary, to 0.1 LU) on a file. */
export function ffmpegLoudness(file: string): { integratedLufs: number; truePeakDbtp: number } {
  const run = spawnSync('ffmpeg', [
    '-hide_banner',
    '-nostats',
    '-i',
    file,
    '-af',
    'ebur128=peak=true',
    '-f',
    'null',
    '-',
  ]);
  const summary = run.stderr.toString().split('Summary:').at(-1) ?? '';
  const integrated = /I:\s+(-?[\d.]+) LUFS/.exec(summary);
  const peak = /Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary);
  if (!integrated || !peak) throw new Error(`no ebur128 summary for ${file}`);
  return { integratedLufs: Number(integrated[1]), truePeakDbtp: Number(peak[1]) };
}
