import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { coverImage, fromLavfi, sineTone, tagOptions } from '../../support/ffmpeg';

/** One generated file: what its tags say and how long it is. */
export interface FixtureTrack {
  file: string;
  title: string;
  artist: string;
  album: string;
  trackNo: number;
  seconds: number;
  /** The label the library shows in its Format column. */
  format: string;
}

export interface AudioFixtures {
  root: string;
  tracks: FixtureTrack[];
  corrupt: string[];
}

/** ffmpeg arguments per format: codec and container options. */
const CODECS: Record<string, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '96k', '-id3v2_version', '3'],
  flac: ['-c:a', 'flac'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '2'],
  opus: ['-c:a', 'libopus', '-b:a', '48k'],
  m4a: ['-c:a', 'aac', '-b:a', '96k'],
};

/**
 * A small real library, made with ffmpeg in a temporary folder: tagged
 * files in five formats across two artists (each album with a folder cover
 * image, one MP3 with embedded art), one longer track for the player, and
 * files that are not valid audio.
 */
export function makeAudioFixtures(): AudioFixtures {
  const root = mkdtempSync(join(tmpdir(), 'resonate-music-'));
  const tracks: FixtureTrack[] = [
    {
      file: 'Aurora Lane/Northern Lights/01 First Light.mp3',
      title: 'First Light',
      artist: 'Aurora Lane',
      album: 'Northern Lights',
      trackNo: 1,
      seconds: 4,
      format: 'MP3',
    },
    {
      file: 'Aurora Lane/Northern Lights/02 Second Wind.flac',
      title: 'Second Wind',
      artist: 'Aurora Lane',
      album: 'Northern Lights',
      trackNo: 2,
      seconds: 5,
      format: 'FLAC',
    },
    {
      file: 'Aurora Lane/Northern Lights/03 Tidal Glass.ogg',
      title: 'Tidal Glass',
      artist: 'Aurora Lane',
      album: 'Northern Lights',
      trackNo: 3,
      seconds: 6,
      format: 'Vorbis',
    },
    {
      file: 'Aurora Lane/Northern Lights/04 Long Horizon.mp3',
      title: 'Long Horizon',
      artist: 'Aurora Lane',
      album: 'Northern Lights',
      trackNo: 4,
      seconds: 60,
      format: 'MP3',
    },
    {
      file: 'Copper Field/Field Notes/01 Opal Morning.opus',
      title: 'Opal Morning',
      artist: 'Copper Field',
      album: 'Field Notes',
      trackNo: 1,
      seconds: 4,
      format: 'Opus',
    },
    {
      file: 'Copper Field/Field Notes/02 Brass Hour.m4a',
      title: 'Brass Hour',
      artist: 'Copper Field',
      album: 'Field Notes',
      trackNo: 2,
      seconds: 5,
      format: 'AAC',
    },
  ];
  const covers: Record<string, string> = {
    'Northern Lights': 'gradients=s=320x320:c0=0x0b6e4f:c1=0x1d4ed8:x0=0:y0=0:x1=320:y1=320:d=1',
    'Field Notes': 'gradients=s=320x320:c0=0xb45309:c1=0x7c3aed:x0=0:y0=320:x1=320:y1=0:d=1',
  };
  for (const [album, source] of Object.entries(covers)) {
    const track = tracks.find((t) => t.album === album)!;
    const folder = join(root, dirname(track.file));
    mkdirSync(folder, { recursive: true });
    coverImage(source, join(folder, 'cover.jpg'));
  }
  tracks.forEach((track, i) => {
    const target = join(root, track.file);
    mkdirSync(dirname(target), { recursive: true });
    const ext = track.file.split('.').pop()!;
    const tags = tagOptions({
      title: track.title,
      artist: track.artist,
      album_artist: track.artist,
      album: track.album,
      track: track.trackNo,
      date: 2024,
      genre: 'Ambient',
    });
    fromLavfi(sineTone(220 + i * 55, track.seconds, 44100), ['-ac', '2', ...tags, ...CODECS[ext]!], target);
  });
  const corrupt = ['Aurora Lane/Northern Lights/05 Broken Record.mp3', 'Copper Field/Field Notes/notes.flac'];
  writeFileSync(
    join(root, corrupt[0]!),
    Buffer.from('ID3\u0003\u0000\u0000\u0000\u0000\u0000\u0010this is not audio'.repeat(20)),
  );
  writeFileSync(join(root, corrupt[1]!), Buffer.from('definitely not a flac stream\n'.repeat(40)));
  return { root, tracks, corrupt };
}
