import { mkdtempSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseCheckReport, ReleaseDraft } from '../../../src/shared/contract/release';
import { createMediaRouter } from '../../../src/main/services/media/media-router';
import { createReleaseDomain, type ReleaseDomain } from '../../../src/main/services/release';
import { ffmpeg, ffmpegLoudness, sineSource, tags } from './fixtures';

/**
 * The release checks on audio generated with ffmpeg: a release with every
 * kind of problem, and a clean one. The audio is decoded and measured by the
 * real worker thread.
 */
let root: string;
let domain: ReleaseDomain;
const media = createMediaRouter();

const ALBUM = { albumArtist: 'The Testers', album: 'Loud and Quiet', year: '2025' };

function makeProblemRelease(dir: string): void {
  mkdirSync(dir);
  // 1: clipped (a sine driven 6 dB past full scale), FLAC.
  ffmpeg([
    ...sineSource(-1, 50, 44100, 2),
    ...tags({ ...ALBUM, title: 'Clipper', track: '1' }),
    '-c:a',
    'flac',
    join(dir, '01 clipper.flac'),
  ]);
  // 2: quiet, −35 LUFS.
  ffmpeg([
    ...sineSource(-35, 50),
    ...tags({ ...ALBUM, title: 'Whisper', track: '2' }),
    '-c:a',
    'flac',
    join(dir, '02 whisper.flac'),
  ]);
  // 3: 30 s, 96 kbit/s at 22.05 kHz, no album artist, and the same track number as track 2.
  ffmpeg([
    ...sineSource(-14, 30, 22050),
    ...tags({ album: ALBUM.album, year: ALBUM.year, title: 'Short', track: '2' }),
    '-c:a',
    'libmp3lame',
    '-b:a',
    '96k',
    join(dir, '03 short.mp3'),
  ]);
  // 5 (track 4 is missing): Ogg Vorbis at a sensible level.
  ffmpeg([
    ...sineSource(-14, 50),
    ...tags({ ...ALBUM, title: 'Fine', track: '5' }),
    '-c:a',
    'libvorbis',
    '-q:a',
    '8',
    join(dir, '05 fine.ogg'),
  ]);
  // AAC: no in-process decoder, so its loudness is "not measured" rather than an error.
  ffmpeg([
    ...sineSource(-14, 50),
    ...tags({ ...ALBUM, title: 'Apple', track: '6' }),
    '-c:a',
    'aac',
    '-b:a',
    '256k',
    join(dir, '06 apple.m4a'),
  ]);
  // A small folder cover.
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=300x300', '-frames:v', '1', join(dir, 'cover.png')]);
}

function makeCleanRelease(dir: string): void {
  mkdirSync(dir);
  const cover = join(dir, '..', 'clean-cover.jpg');
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=blue:s=1500x1500', '-frames:v', '1', cover]);
  for (const n of [1, 2]) {
    ffmpeg([
      ...sineSource(-14, 46),
      '-i',
      cover,
      '-map',
      '0:a',
      '-map',
      '1:v',
      '-c:v',
      'copy',
      '-disposition:v',
      'attached_pic',
      ...tags({ ...ALBUM, album: 'Clean', title: `Song ${n}`, track: `${n}/2` }),
      '-c:a',
      'flac',
      join(dir, `${n}.flac`),
    ]);
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'release-checks-'));
  makeProblemRelease(join(root, 'problems'));
  makeCleanRelease(join(root, 'clean'));
  domain = createReleaseDomain({ scratchDir: join(root, 'scratch'), media });
}, 60_000);

afterAll(async () => {
  await domain?.close();
  rmSync(root, { recursive: true, force: true });
});

async function openAndMeasure(folder: string): Promise<{ draft: ReleaseDraft; report: ReleaseCheckReport }> {
  const opened = await domain.handlers['release.openDraft']({ folder });
  await domain.service.whenAnalysed(opened.draftId);
  const draft = await domain.handlers['release.draft']({ draftId: opened.draftId });
  const report = await domain.handlers['release.checks']({
    draftId: opened.draftId,
    targetLufs: -14,
    toleranceLu: 2,
  });
  return { draft, report };
}

const find = (report: ReleaseCheckReport, code: string) => report.problems.filter((p) => p.code === code);

describe('release preview checks on generated audio', () => {
  let draft: ReleaseDraft;
  let report: ReleaseCheckReport;

  beforeAll(async () => {
    ({ draft, report } = await openAndMeasure(join(root, 'problems')));
  }, 60_000);

  it('orders tracks by disc and track number, then file name, and shows the release as the catalog will', () => {
    expect(draft.tracks.map((t) => t.fileName)).toEqual([
      '01 clipper.flac',
      '02 whisper.flac',
      '03 short.mp3',
      '05 fine.ogg',
      '06 apple.m4a',
    ]);
    expect(draft).toMatchObject({
      title: 'Loud and Quiet',
      albumArtist: 'The Testers',
      year: 2025,
      analysis: { done: 5, total: 5 },
    });
    expect(report.complete).toBe(true);
  });

  it('flags clipping as an error with how to fix it', () => {
    const [clip] = find(report, 'clipping');
    expect(clip).toMatchObject({ severity: 'error', positions: [1] });
    expect(clip!.fix).toMatch(/headroom/);
    const m = draft.tracks[0]!.measurement;
    expect(m.state === 'measured' && m.clippedSamples).toBeGreaterThan(10_000);
  });

  it('measures a quiet track at −35 LUFS and flags it against the target', () => {
    const [quiet] = find(report, 'loudness_too_quiet');
    expect(quiet).toMatchObject({ severity: 'warning', positions: [2] });
    expect(quiet!.message).toContain('-35.0 LUFS against a target of -14 LUFS');
    const m = draft.tracks[1]!.measurement;
    expect(m.state === 'measured' && m.integratedLufs).toBeCloseTo(-35, 0);
  });

  it("the target is the artist's: at −30 LUFS ± 6 the quiet track passes", async () => {
    const lenient = await domain.handlers['release.checks']({
      draftId: draft.draftId,
      targetLufs: -30,
      toleranceLu: 6,
    });
    expect(find(lenient, 'loudness_too_quiet')).toEqual([]);
    expect(find(lenient, 'loudness_too_loud').map((p) => p.positions[0])).toEqual([1, 3, 4]);
  });

  it("agrees with ffmpeg's EBU R128 meter (which rounds to 0.1) within 0.15 LU on every measured track", () => {
    for (const t of draft.tracks) {
      if (t.measurement.state !== 'measured') continue;
      const reference = ffmpegLoudness(join(root, 'problems', t.fileName));
      expect(
        Math.abs(t.measurement.integratedLufs! - reference.integratedLufs),
        t.fileName,
      ).toBeLessThanOrEqual(0.15);
      console.info(
        `loudness ${t.fileName}: ours ${t.measurement.integratedLufs} LUFS, ffmpeg ${reference.integratedLufs} LUFS; true peak ours ${t.measurement.truePeakDbtp} dBTP, ffmpeg ${reference.truePeakDbtp} dBTP`,
      );
    }
  });

  it('flags the 30 s track as always free, and its low bit rate and sample rate', () => {
    expect(find(report, 'short_track')).toMatchObject([{ severity: 'info', positions: [3] }]);
    expect(draft.tracks[2]).toMatchObject({ alwaysFree: true, sampleRate: 22050 });
    // (The AAC sine encodes to well under its nominal rate, so it may draw a warning of its own.)
    expect(find(report, 'low_bitrate').filter((p) => p.severity === 'error')).toMatchObject([
      { positions: [3] },
    ]);
    expect(find(report, 'low_sample_rate')).toMatchObject([{ severity: 'warning', positions: [3] }]);
  });

  it('flags bad tags: a missing album artist, a duplicate track number, a gap', () => {
    expect(find(report, 'missing_album_artist')).toMatchObject([{ severity: 'error', positions: [3] }]);
    expect(find(report, 'duplicate_track_number')).toMatchObject([{ severity: 'error', positions: [2, 3] }]);
    expect(find(report, 'track_number_gap')[0]!.message).toContain('skip 3, 4');
  });

  it('flags small artwork and reports its size read from the PNG header', () => {
    expect(draft.artwork).toMatchObject({
      source: 'folder',
      fileName: 'cover.png',
      format: 'png',
      width: 300,
      height: 300,
    });
    expect(find(report, 'small_artwork')).toMatchObject([{ severity: 'error' }]);
  });

  it('says when a format cannot be measured instead of failing', () => {
    expect(draft.tracks[4]!.measurement).toMatchObject({ state: 'not_measured', reason: 'unsupported' });
    expect(find(report, 'not_measured')).toMatchObject([{ severity: 'info', positions: [5] }]);
  });

  it("serves the draft's tracks and cover as `draft` media (free previews)", async () => {
    expect(await media.resolve(draft.tracks[0]!.mediaPath)).toEqual({
      file: join(root, 'problems', '01 clipper.flac'),
      contentType: 'audio/flac',
    });
    expect(await media.resolve(`draft/${draft.draftId}/cover`)).toMatchObject({ contentType: 'image/png' });
    expect(await media.resolve(`draft/${draft.draftId}/99`)).toBeNull();
    expect(await media.resolve('draft/nope/1')).toBeNull();
  });
});

describe('a clean release', () => {
  it('has no errors or warnings; its embedded artwork is found and served', async () => {
    const { draft, report } = await openAndMeasure(join(root, 'clean'));
    expect(report.problems.filter((p) => p.severity !== 'info')).toEqual([]);
    expect(draft.artwork).toMatchObject({ source: 'embedded', format: 'jpeg', width: 1500, height: 1500 });
    const cover = await media.resolve(draft.artwork!.mediaPath);
    expect(statSync(cover!.file).size).toBe(draft.artwork!.bytes);
    for (const t of draft.tracks)
      expect(t.measurement.state === 'measured' && Math.abs(t.measurement.integratedLufs! + 14)).toBeLessThan(
        0.1,
      );
    await domain.handlers['release.closeDraft']({ draftId: draft.draftId });
    await expect(media.resolve(draft.artwork!.mediaPath)).resolves.toBeNull();
  }, 60_000);

  it('a folder that does not exist is not_found', async () => {
    await expect(domain.handlers['release.openDraft']({ folder: join(root, 'nope') })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
