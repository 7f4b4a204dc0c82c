import { execFileSync } from 'node:child_process';

/** Runs ffmpeg quietly (errors only, on stderr) and overwriting: how every test makes its fixtures. */
export function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/**
 * Writes `target` from one of ffmpeg's generated sources (`lavfi`: a sine tone, a gradient
 * picture), with `options` (codec, channels, tags) in between; answers `target`.
 */
export function fromLavfi(source: string, options: string[], target: string): string {
  ffmpeg(['-f', 'lavfi', '-i', source, ...options, target]);
  return target;
}

/** A sine tone source of `seconds` (`sampleRate` when the file must have that one). */
export const sineTone = (frequency: number, seconds: number, sampleRate?: number): string =>
  `sine=frequency=${frequency}${sampleRate ? `:sample_rate=${sampleRate}` : ''}:duration=${seconds}`;

/** A picture of one frame from a gradient source (a cover). */
export const coverImage = (gradient: string, target: string): string =>
  fromLavfi(gradient, ['-frames:v', '1'], target);

/** ffmpeg's `-metadata key=value` options for these tags, in order. */
export const tagOptions = (tags: Record<string, string | number>): string[] =>
  Object.entries(tags).flatMap(([key, value]) => ['-metadata', `${key}=${value}`]);
