import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Short real audio files, made with ffmpeg, so tag writing and copying meet real formats. */
const CODECS: Record<string, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '64k'],
  flac: ['-c:a', 'flac'],
  m4a: ['-c:a', 'aac', '-b:a', '64k'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '1'],
};

export function makeAudio(
  folder: string,
  name: string,
  format: keyof typeof CODECS,
  seconds = 1,
  tags: Record<string, string> = {},
): string {
  const file = join(folder, `${name}.${format}`);
  const meta = Object.entries(tags).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    ...CODECS[format]!,
    ...meta,
    file,
  ]);
  return file;
}
