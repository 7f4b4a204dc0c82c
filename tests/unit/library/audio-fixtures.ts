import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Real audio files made with ffmpeg for the library tests: 3.5 s of a sine
 * tone in each format, tagged in that format's own dialect (ID3 TBPM/TKEY,
 * Vorbis BPM/INITIALKEY, MP4 tmpo).
 */
export const FIXTURE_SECONDS = 3.5;

export interface FixtureSpec {
  name: string;
  args: string[];
}

const tone = ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${FIXTURE_SECONDS}`, '-ac', '1'];

export const FIXTURES = {
  mp3: [
    '-b:a',
    '64k',
    '-id3v2_version',
    '3',
    '-metadata',
    'title=Café Olé',
    '-metadata',
    'artist=Beyoncé',
    '-metadata',
    'album=Déjà Vu',
    '-metadata',
    'TBPM=128',
    '-metadata',
    'TKEY=Am',
    '-metadata',
    'track=3/10',
    '-metadata',
    'genre=Pop',
    '-metadata',
    'date=2006',
    '-metadata',
    'REPLAYGAIN_TRACK_GAIN=-6.50 dB',
    '-metadata',
    'REPLAYGAIN_TRACK_PEAK=0.912',
  ],
  mp3NoXing: ['-b:a', '64k', '-write_xing', '0', '-metadata', 'title=No Header', '-metadata', 'artist=Plain'],
  flac: [
    '-metadata',
    'title=Flac Song',
    '-metadata',
    'artist=Lossless',
    '-metadata',
    'album=Big Files',
    '-metadata',
    'BPM=120.5',
    '-metadata',
    'INITIALKEY=8A',
    '-metadata',
    'REPLAYGAIN_ALBUM_GAIN=-3.2 dB',
  ],
  ogg: [
    '-c:a',
    'libvorbis',
    '-metadata',
    'title=Vorbis Song',
    '-metadata',
    'artist=Xiph',
    '-metadata',
    'BPM=99',
    '-metadata',
    'INITIALKEY=Gm',
  ],
  opus: [
    '-c:a',
    'libopus',
    '-b:a',
    '48k',
    '-metadata',
    'title=Opus Song',
    '-metadata',
    'artist=Xiph',
    '-metadata',
    'BPM=90',
    '-metadata',
    'KEY=F#m',
  ],
  m4a: [
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    '-metadata',
    'title=Apple Song',
    '-metadata',
    'artist=Cupertino',
    '-metadata',
    'tmpo=140',
  ],
} as const;
export type FixtureKind = keyof typeof FIXTURES;
const EXT: Record<FixtureKind, string> = {
  mp3: 'mp3',
  mp3NoXing: 'mp3',
  flac: 'flac',
  ogg: 'ogg',
  opus: 'opus',
  m4a: 'm4a',
};

/** Makes one fixture of each kind in a cache folder (once per test file) and returns their paths. */
export function makeFixtures(): { dir: string; files: Record<FixtureKind, string>; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'resonate-fixtures-'));
  const files = {} as Record<FixtureKind, string>;
  for (const kind of Object.keys(FIXTURES) as FixtureKind[]) {
    const file = join(dir, `${kind}.${EXT[kind]}`);
    ffmpeg([...tone, ...FIXTURES[kind], file]);
    files[kind] = file;
  }
  return { dir, files, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An MP3 with an embedded front cover (a 16×16 PNG). */
export function makeMp3WithCover(file: string): void {
  const png = `${file}.png`;
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=16x16', '-frames:v', '1', png]);
  ffmpeg([
    ...tone,
    '-i',
    png,
    '-map',
    '0:a',
    '-map',
    '1:v',
    '-c:v',
    'copy',
    '-b:a',
    '64k',
    '-id3v2_version',
    '3',
    '-metadata:s:v',
    'title=Album cover',
    '-metadata:s:v',
    'comment=Cover (front)',
    '-metadata',
    'title=With Cover',
    file,
  ]);
  rmSync(png);
}

export function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function place(source: string, target: string): string {
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  return target;
}

/**
 * Adds an iTunes freeform item (`----:com.apple.iTunes:<name>`) to an M4A
 * made by ffmpeg, which cannot write them. ffmpeg puts `moov` after `mdat`,
 * so growing it moves no audio and no chunk offset needs fixing.
 */
export function addItunesFreeform(file: string, name: string, value: string): void {
  const buf = readFileSync(file);
  const chain: number[] = [];
  let start = 0;
  let end = buf.length;
  for (const type of ['moov', 'udta', 'meta', 'ilst']) {
    let at = start;
    let found = -1;
    while (at + 8 <= end) {
      if (buf.toString('latin1', at + 4, at + 8) === type) {
        found = at;
        break;
      }
      at += buf.readUInt32BE(at);
    }
    if (found < 0) throw new Error(`no ${type} atom in ${file}`);
    chain.push(found);
    start = found + 8 + (type === 'meta' ? 4 : 0);
    end = found + buf.readUInt32BE(found);
  }
  const word = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const atom = (type: string, body: Buffer) =>
    Buffer.concat([word(8 + body.length), Buffer.from(type, 'latin1'), body]);
  const item = atom(
    '----',
    Buffer.concat([
      atom('mean', Buffer.concat([word(0), Buffer.from('com.apple.iTunes')])),
      atom('name', Buffer.concat([word(0), Buffer.from(name)])),
      atom('data', Buffer.concat([word(1), word(0), Buffer.from(value)])),
    ]),
  );
  const ilstEnd = chain[3]! + buf.readUInt32BE(chain[3]!);
  const out = Buffer.concat([buf.subarray(0, ilstEnd), item, buf.subarray(ilstEnd)]);
  for (const at of chain) out.writeUInt32BE(out.readUInt32BE(at) + item.length, at);
  writeFileSync(file, out);
}
