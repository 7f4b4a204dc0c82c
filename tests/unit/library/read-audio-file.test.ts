import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../../src/main/services/library/tags/read-audio-file';
import { oggDurationMs } from '../../../src/main/services/library/tags/ogg-duration';
import { addItunesFreeform, makeFixtures, FIXTURE_SECONDS, type FixtureKind } from './audio-fixtures';

let fx: ReturnType<typeof makeFixtures>;
beforeAll(() => {
  fx = makeFixtures();
});
afterAll(() => fx.cleanup());

const expectedMs = FIXTURE_SECONDS * 1000;

describe('readAudioFile', () => {
  it.each<[FixtureKind, string]>([
    ['mp3', 'MPEG 1 Layer 3'],
    ['mp3NoXing', 'MPEG 1 Layer 3'],
    ['flac', 'FLAC'],
    ['ogg', 'Vorbis I'],
    ['opus', 'Opus'],
    ['m4a', 'MPEG-4/AAC'],
  ])('reads the duration of %s from headers or the tail, not the whole file', async (kind, codec) => {
    const info = await readAudioFile(fx.files[kind]);
    expect(info.codec).toBe(codec);
    // MP3 and AAC round up to whole frames (26 ms / 23 ms); the rest are exact.
    expect(Math.abs(info.durationMs - expectedMs)).toBeLessThanOrEqual(
      kind.startsWith('mp3') || kind === 'm4a' ? 60 : 2,
    );
  });

  it('subtracts the Opus pre-skip and counts at 48 kHz', async () => {
    const info = await readAudioFile(fx.files.opus);
    expect(info.durationMs).toBe(expectedMs);
    expect(info.sampleRate).toBe(48_000);
  });

  it('reads ID3 tags: TBPM, TKEY, track numbers, year, genre, ReplayGain', async () => {
    const info = await readAudioFile(fx.files.mp3);
    expect(info).toMatchObject({
      title: 'Café Olé',
      artist: 'Beyoncé',
      album: 'Déjà Vu',
      trackNo: 3,
      trackOf: 10,
      year: 2006,
      genre: 'Pop',
      bpm: 128,
      key: 'Am',
      hasArt: false,
    });
    expect(info.replayGain.trackGainDb).toBeCloseTo(-6.5, 2);
    expect(info.replayGain.trackPeak).toBeCloseTo(0.912, 3);
    expect(info.bitrate).toBe(64_000);
  });

  it('reads Vorbis comments BPM (with decimals) and INITIALKEY in FLAC and Ogg, KEY in Opus', async () => {
    expect(await readAudioFile(fx.files.flac)).toMatchObject({ bpm: 120.5, key: '8A', title: 'Flac Song' });
    expect((await readAudioFile(fx.files.flac)).replayGain.albumGainDb).toBeCloseTo(-3.2, 2);
    expect(await readAudioFile(fx.files.ogg)).toMatchObject({ bpm: 99, key: 'Gm' });
    expect(await readAudioFile(fx.files.opus)).toMatchObject({ bpm: 90, key: 'F#m' });
  });

  it('reads MP4 tmpo and the iTunes freeform initialkey', async () => {
    const file = join(fx.dir, 'freeform.m4a');
    copyFileSync(fx.files.m4a, file);
    addItunesFreeform(file, 'initialkey', 'Ebm');
    const info = await readAudioFile(file);
    expect(info).toMatchObject({ bpm: 140, key: 'Ebm', title: 'Apple Song' });
    expect(Math.abs(info.durationMs - expectedMs)).toBeLessThanOrEqual(60);
  });

  it('turns bad files into problems with a reason', async () => {
    const empty = join(fx.dir, 'empty.mp3');
    writeFileSync(empty, '');
    await expect(readAudioFile(empty)).rejects.toMatchObject({ reason: 'empty' });
    const text = join(fx.dir, 'text.flac');
    writeFileSync(text, 'this is not audio at all, just some words in a file'.repeat(20));
    await expect(readAudioFile(text)).rejects.toMatchObject({
      reason: expect.stringMatching(/not_audio|corrupt/),
    });
    await expect(readAudioFile(join(fx.dir, 'nope.mp3'))).rejects.toMatchObject({ reason: 'vanished' });
  });
});

describe('oggDurationMs', () => {
  it('is null for a file that is not Ogg', async () => {
    expect(await oggDurationMs(fx.files.flac, 44_100)).toBeNull();
  });
});
