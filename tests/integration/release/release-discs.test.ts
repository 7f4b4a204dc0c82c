import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseCheckReport, ReleaseDraft } from '../../../src/shared/contract/release';
import { createMediaRouter } from '../../../src/main/services/media/media-router';
import { createReleaseDomain, type ReleaseDomain } from '../../../src/main/services/release';
import { discFromFolderName } from '../../../src/main/services/release/draft/read-draft-folder';
import { isMultiDisc, trackNumberLabel } from '../../../src/renderer/src/views/artist/track-number';
import { ffmpeg, sineSource, tags } from './fixtures';

/**
 * A two-disc release as artists ship it: `CD1/` and `CD2/` folders whose
 * files are tagged `1/2`, `2/2` with no disc tag, a macOS `._` file beside
 * a track, cover images in the folders, and one track with no number. The
 * preview must count and number the tracks as the discs they are.
 */
let root: string;
let domain: ReleaseDomain;
let draft: ReleaseDraft;
let report: ReleaseCheckReport;
const ALBUM = { albumArtist: 'Two Discs', album: 'Double', year: '2025' };

function makeRelease(dir: string): void {
  for (const disc of ['CD1', 'CD2']) {
    mkdirSync(join(dir, disc), { recursive: true });
    for (const n of [1, 2]) {
      ffmpeg([
        ...sineSource(-14, 2),
        ...tags({ ...ALBUM, title: `${disc} song ${n}`, track: `${n}/2` }),
        '-c:a',
        'flac',
        join(dir, disc, `0${n}.flac`),
      ]);
    }
  }
  // An AppleDouble file with a track's name (macOS leaves them on FAT sticks and in zips).
  copyFileSync(join(dir, 'CD1', '01.flac'), join(dir, 'CD1', '._01.flac'));
  // Disc 2's bonus track has no number.
  ffmpeg([
    ...sineSource(-14, 2),
    ...tags({ ...ALBUM, title: 'Bonus' }),
    '-c:a',
    'flac',
    join(dir, 'CD2', 'bonus.flac'),
  ]);
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=600x600', '-frames:v', '1', join(dir, 'cover.jpg')]);
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=600x600', '-frames:v', '1', join(dir, 'CD1', 'folder.png')]);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'release-discs-'));
  makeRelease(join(root, 'double'));
  domain = createReleaseDomain({ scratchDir: join(root, 'scratch'), media: createMediaRouter() });
  const opened = await domain.handlers['release.openDraft']({ folder: join(root, 'double') });
  await domain.service.whenAnalysed(opened.draftId);
  draft = await domain.handlers['release.draft']({ draftId: opened.draftId });
  report = await domain.handlers['release.checks']({
    draftId: opened.draftId,
    targetLufs: -14,
    toleranceLu: 2,
  });
}, 60_000);

afterAll(async () => {
  await domain?.close();
  rmSync(root, { recursive: true, force: true });
});

const find = (code: string) => report.problems.filter((p) => p.code === code);

describe('release preview of a two-disc folder without disc tags', () => {
  it('lists five tracks (no ._ file, no cover) in disc order, each disc from its folder', () => {
    expect(draft.tracks.map((t) => [t.fileName, t.discNo, t.trackNo])).toEqual([
      ['CD1/01.flac', 1, 1],
      ['CD1/02.flac', 1, 2],
      ['CD2/01.flac', 2, 1],
      ['CD2/02.flac', 2, 2],
      ['CD2/bonus.flac', 2, null],
    ]);
  });

  it("does not call the two discs' track 1 and 2 duplicates, nor 1/2 and 2/2 a wrong total on disc 1", () => {
    expect(find('duplicate_track_number')).toEqual([]);
    expect(find('track_total_mismatch').map((p) => p.message)).toEqual([
      'The tags say 2 tracks on disc 2, the folder has 3.',
    ]);
    expect(find('missing_track_number')).toMatchObject([{ positions: [5] }]);
  });

  it('the "#" column shows disc-track from the tags, and no number for the untagged track (not its place in the folder)', () => {
    const multi = isMultiDisc(draft.tracks);
    expect(draft.tracks.map((t) => trackNumberLabel(t, multi))).toEqual(['1-1', '1-2', '2-1', '2-2', null]);
    expect(trackNumberLabel({ trackNo: 3, discNo: null }, false)).toBe('3');
  });

  it('reads the disc a folder names', () => {
    expect(
      ['CD1', 'cd 2', 'Disc 3', 'disk_04', 'Disc 2 - Bonus', '2', 'Artwork', 'Side A'].map(
        discFromFolderName,
      ),
    ).toEqual([1, 2, 3, 4, 2, 2, null, null]);
  });
});
