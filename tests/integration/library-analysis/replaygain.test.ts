import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../../src/main/services/core/logger';
import { systemClock } from '../../../src/main/services/core/clock';
import {
  createLibraryAnalysisDomain,
  type LibraryAnalysisDomain,
} from '../../../src/main/services/library/analysis/analysis-domain';
import type {
  AnalysisStatus,
  LibraryTrack,
  LibraryTrackDetails,
  TrackAnalysisInfo,
} from '../../../src/shared/contract/library';
import { ffmpeg, ffmpegLoudness, sineSource } from '../release/fixtures';
import { openLibrary, tempDir, type OpenLibrary } from '../library/library-harness';
import { clickTrack } from './signals';

/**
 * ReplayGain scanning (issue 15 item 9) and detected tempo/key (item 10) on
 * a real library: files without the tags get them measured in background
 * workers (two at a time), stored, and shown where tags are shown —
 * `library.track`'s replayGain, which the player's normalisation reads,
 * and the rows the library and DJ views list — marked as detected; a
 * tagged file keeps its tags.
 */
let music: string;
let lib: OpenLibrary;
let analysis: LibraryAnalysisDomain;
const progress: AnalysisStatus[] = [];

const byTitle = async (title: string) => {
  const page = await lib.call<{ rows: LibraryTrack[] }>('library.tracks', { limit: 100 });
  const row = page.rows.find((r) => r.title === title);
  if (!row) throw new Error(`no track ${title}`);
  return row;
};
const details = async (title: string) =>
  lib.call<LibraryTrackDetails>('library.track', { id: (await byTitle(title)).id });

beforeAll(async () => {
  music = tempDir('analysis-music-');
  const meta = (title: string) => ['-metadata', `title=${title}`, '-metadata', 'artist=Test'];
  // Stereo 997 Hz at −23 dBFS reads −23 LUFS (EBU Tech 3341): ReplayGain 2.0 wants +5 dB. At −10 dBFS: −8 dB.
  ffmpeg([...sineSource(-23, 12, 44100), ...meta('Quiet sine'), '-c:a', 'flac', join(music, 'quiet.flac')]);
  ffmpeg([...sineSource(-10, 12, 44100), ...meta('Loud sine'), '-c:a', 'pcm_s16le', join(music, 'loud.wav')]);
  // Lossy files read as ffmpeg's own meter reads them (LAME's sine reads 0.3 LU under its source): checked against it.
  ffmpeg([
    ...sineSource(-10, 12, 44100),
    ...meta('Loud MP3'),
    '-c:a',
    'libmp3lame',
    '-b:a',
    '192k',
    join(music, 'loud.mp3'),
  ]);
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'anoisesrc=color=pink:amplitude=0.3:sample_rate=48000:duration=12:seed=11',
    ...meta('Pink'),
    '-c:a',
    'libvorbis',
    join(music, 'pink.ogg'),
  ]);
  // Already tagged: its ReplayGain and BPM must stay as tagged.
  ffmpeg([
    ...sineSource(-10, 12, 44100),
    ...meta('Tagged'),
    '-metadata',
    'REPLAYGAIN_TRACK_GAIN=-3.50 dB',
    '-metadata',
    'REPLAYGAIN_TRACK_PEAK=0.5',
    '-metadata',
    'BPM=99',
    '-c:a',
    'flac',
    join(music, 'tagged.flac'),
  ]);
  const click = clickTrack(music, 128, 30, 'click-source.wav');
  ffmpeg(['-i', click, ...meta('Click 128'), '-c:a', 'flac', join(music, 'click.flac')]);
  rmSync(click);
  rmSync(join(music, 'beat-128.wav'));

  lib = openLibrary();
  await lib.call('library.addFolder', { path: music });
  await lib.service.waitForIdle();
  lib.events.subscribe((name, payload) => {
    if (name === 'library.analysisProgress') progress.push(payload as AnalysisStatus);
  });
  analysis = createLibraryAnalysisDomain({
    db: lib.db,
    events: lib.events,
    clock: systemClock,
    logger: silentLogger,
    fileForTrack: (id) => lib.domain.fileForTrack(id),
    concurrency: 2,
  });
}, 120_000);

afterAll(async () => {
  await analysis?.close();
  await lib?.close();
  rmSync(music, { recursive: true, force: true });
});

describe('ReplayGain scanning for untagged files', () => {
  it('measures the untagged tracks in the background and gives each the ReplayGain 2.0 gain of its level (±0.2 dB)', async () => {
    expect((await details('Quiet sine')).replayGain.trackGainDb).toBeNull();
    const started = await analysis.handlers['library.analyse']({ force: false });
    // All six lack a ReplayGain, BPM or key tag (the tagged one has no key).
    expect(started).toMatchObject({ state: 'running', total: 6 });
    await analysis.service.idle();
    const status = analysis.service.status();
    expect(status).toMatchObject({ state: 'idle', last: { analysed: 6, failed: 0, cancelled: false } });
    console.info(
      `analysis: ${status.last!.analysed} tracks in ${status.last!.ms} ms (${status.last!.msPerTrack} ms per track, 2 workers)`,
    );
    expect(progress.at(-1)).toMatchObject({ state: 'idle' });

    const quiet = (await details('Quiet sine')).replayGain;
    const loud = (await details('Loud sine')).replayGain;
    console.info(`quiet sine: ${quiet.trackGainDb} dB (want 5), loud sine: ${loud.trackGainDb} dB (want −8)`);
    expect(Math.abs(quiet.trackGainDb! - 5)).toBeLessThanOrEqual(0.2);
    expect(Math.abs(loud.trackGainDb! - -8)).toBeLessThanOrEqual(0.2);
    // The peak stored is the true peak: a −10 dBFS sine peaks at about 0.316.
    expect(loud.trackPeak!).toBeGreaterThan(0.3);
    expect(loud.trackPeak!).toBeLessThan(0.34);

    for (const [title, file] of [
      ['Pink', 'pink.ogg'],
      ['Loud MP3', 'loud.mp3'],
    ]) {
      const gain = (await details(title!)).replayGain.trackGainDb!;
      const reference = -18 - ffmpegLoudness(join(music, file!)).integratedLufs;
      console.info(`${file}: ${gain} dB, from ffmpeg's loudness ${reference.toFixed(2)} dB`);
      expect(Math.abs(gain - reference)).toBeLessThanOrEqual(0.2);
    }

    // What the player plays by (library.getPlayableFile feeds the media route; the renderer reads library.track).
    const playable = lib.domain.getPlayableFile((await byTitle('Quiet sine')).id);
    expect(playable?.replayGain.trackGainDb).toBe(quiet.trackGainDb);
    const info = await analysis.handlers['library.trackAnalysis']({ id: (await byTitle('Quiet sine')).id });
    expect((info as TrackAnalysisInfo).detected.replayGain).toBe(true);
  }, 120_000);

  it('never overwrites a tag: the tagged file keeps its ReplayGain and BPM, with only its missing key measured', async () => {
    const tagged = await details('Tagged');
    expect(tagged.replayGain.trackGainDb).toBe(-3.5);
    expect(tagged.bpm).toBe(99);
    const info = (await analysis.handlers['library.trackAnalysis']({ id: tagged.id }))!;
    expect(info.detected).toEqual({ replayGain: false, bpm: false, key: true });
    // Its measurement is kept all the same (a −10 dBFS sine: −8 dB).
    expect(Math.abs(info.trackGainDb! - -8)).toBeLessThanOrEqual(0.2);
  });

  it('detected BPM shows in the track rows the library and DJ views list, marked as detected', async () => {
    const click = await byTitle('Click 128');
    expect(Math.abs(click.bpm! - 128)).toBeLessThanOrEqual(0.5);
    const info = (await analysis.handlers['library.trackAnalysis']({ id: click.id }))!;
    expect(info.detected.bpm).toBe(true);
  });

  it('a second run measures nothing again (the files are unchanged); a tag written later clears the detected mark', async () => {
    const again = await analysis.handlers['library.analyse']({ force: false });
    expect(again).toMatchObject({ state: 'idle', total: 0 });
    const click = await byTitle('Click 128');
    // As the tag editor or a rescan of a changed file writes it.
    lib.db.prepare('UPDATE library_tracks SET bpm = 127 WHERE id = ?').run(click.id);
    const info = (await analysis.handlers['library.trackAnalysis']({ id: click.id }))!;
    expect(info.detected.bpm).toBe(false);
    expect((await byTitle('Click 128')).bpm).toBe(127);
  });
});
