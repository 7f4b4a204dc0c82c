import { join } from 'node:path';
import { fromLavfi, sineTone, tagOptions } from '../../support/ffmpeg';

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
  fromLavfi(sineTone(440, seconds), [...CODECS[format]!, ...tagOptions(tags)], file);
  return file;
}
