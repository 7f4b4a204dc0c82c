import { isShortTrack } from '../../../../shared/pricing';
import type {
  CheckOptions,
  DraftTrack,
  ProblemSeverity,
  ReleaseCheckReport,
  ReleaseDraft,
  ReleaseProblem,
} from '../../../../shared/contract/release';

/**
 * The release checks: pure functions from a draft (tags, artwork, audio
 * measurements) to problems, each with a severity and a fix. Errors are
 * what the co-op catalog would show wrongly or what sounds broken; warnings
 * are what most artists want to fix; info is what an artist should know.
 */

/** Artwork: stores ask for 3000 px; below 1400 px it looks soft on a large screen, below 500 px it looks broken. */
export const RECOMMENDED_ARTWORK_PX = 1400;
export const MINIMUM_ARTWORK_PX = 500;
/** Lossy files below these rates sound worse than what listeners pay for. */
export const LOW_BITRATE_WARNING = 192_000;
export const LOW_BITRATE_ERROR = 128_000;
export const MIN_SAMPLE_RATE = 44_100;
/** Over this true peak, lossy encoding by players and stores clips (EBU R128 / AES TD1004 recommend −1 dBTP). */
export const MAX_TRUE_PEAK_DBTP = -1;
/** More clipped samples than this is audible distortion, not a stray full-scale sample. */
export const CLIPPED_SAMPLES_ERROR = 100;

type Check = (draft: ReleaseDraft, options: CheckOptions) => ReleaseProblem[];

const problem = (
  code: string,
  severity: ProblemSeverity,
  positions: number[],
  message: string,
  fix: string,
): ReleaseProblem => ({
  code,
  severity,
  positions,
  message,
  fix,
});
const positionsOf = (tracks: DraftTrack[]) => tracks.map((t) => t.position);
const names = (tracks: DraftTrack[]) => tracks.map((t) => `${t.position}. ${t.fileName}`).join(', ');
const readable = (draft: ReleaseDraft) => draft.tracks.filter((t) => t.readError === null);

/** Distinct non-empty values of a tag, most common first. */
function distinct<T>(tracks: DraftTrack[], pick: (t: DraftTrack) => T | null | ''): T[] {
  const counts = new Map<T, number>();
  for (const t of tracks) {
    const v = pick(t);
    if (v !== null && v !== '') counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([v]) => v);
}

const unreadableFiles: Check = (draft) => {
  const bad = draft.tracks.filter((t) => t.readError !== null);
  return bad.length
    ? [
        problem(
          'unreadable_file',
          'error',
          positionsOf(bad),
          `Cannot read: ${names(bad)}.`,
          'Export the track again from your DAW (FLAC or WAV), or remove it from the folder.',
        ),
      ]
    : [];
};

const emptyRelease: Check = (draft) =>
  draft.tracks.length === 0
    ? [
        problem(
          'no_tracks',
          'error',
          [],
          'The folder holds no audio files.',
          "Open the folder that holds the release's audio files (MP3, FLAC, Ogg, Opus, WAV, M4A).",
        ),
      ]
    : [];

/** A release-wide tag (album artist, album, year) must be set on every track and agree across them. */
function releaseTag<T extends string | number>(
  tag: string,
  code: string,
  pick: (t: DraftTrack) => T | null | '',
  missingSeverity: ProblemSeverity,
  fixMissing: string,
): Check {
  return (draft) => {
    const tracks = readable(draft);
    const out: ReleaseProblem[] = [];
    const missing = tracks.filter((t) => pick(t) === null || pick(t) === '');
    if (missing.length) {
      out.push(
        problem(
          `missing_${code}`,
          missingSeverity,
          positionsOf(missing),
          `No ${tag} on ${missing.length === tracks.length ? 'any track' : names(missing)}.`,
          fixMissing,
        ),
      );
    }
    const values = distinct(tracks, pick);
    if (values.length > 1) {
      out.push(
        problem(
          `inconsistent_${code}`,
          'warning',
          positionsOf(tracks.filter((t) => pick(t) !== values[0] && pick(t) !== '' && pick(t) !== null)),
          `The tracks disagree on the ${tag}: ${values.map((v) => `"${v}"`).join(', ')}.`,
          `Set the same ${tag} on every track ("${values[0]}" is the most common), or the catalog may split the release.`,
        ),
      );
    }
    return out;
  };
}

const missingTitles: Check = (draft) => {
  const missing = readable(draft).filter((t) => !t.title);
  return missing.length
    ? [
        problem(
          'missing_title',
          'warning',
          positionsOf(missing),
          `No title tag on ${names(missing)}; the file name would be shown.`,
          'Set the title tag of each track.',
        ),
      ]
    : [];
};

const trackNumbers: Check = (draft) => {
  const tracks = readable(draft);
  const out: ReleaseProblem[] = [];
  const missing = tracks.filter((t) => t.trackNo === null);
  if (missing.length) {
    out.push(
      problem(
        'missing_track_number',
        'error',
        positionsOf(missing),
        `No track number on ${names(missing)}; they are ordered by file name.`,
        'Number every track (1, 2, 3, …) so the release plays in the order you meant.',
      ),
    );
  }
  // Every readable track counts on its disc (an unnumbered one too: the folder holds it); numbers are checked among the numbered.
  const byDisc = new Map<number, DraftTrack[]>();
  for (const t of tracks) byDisc.set(t.discNo ?? 1, [...(byDisc.get(t.discNo ?? 1) ?? []), t]);
  for (const [disc, discTracks] of byDisc) {
    const onDisc = byDisc.size > 1 ? ` on disc ${disc}` : '';
    const seen = new Map<number, DraftTrack[]>();
    for (const t of discTracks)
      if (t.trackNo !== null) seen.set(t.trackNo, [...(seen.get(t.trackNo) ?? []), t]);
    if (seen.size === 0) continue;
    for (const [n, same] of seen) {
      if (same.length > 1) {
        out.push(
          problem(
            'duplicate_track_number',
            'error',
            positionsOf(same),
            `Track number ${n}${onDisc} is used ${same.length} times: ${names(same)}.`,
            'Give each track its own number.',
          ),
        );
      }
    }
    const numbers = [...seen.keys()].sort((a, b) => a - b);
    const gaps: number[] = [];
    for (let n = 1; n <= numbers.at(-1)!; n++) if (!seen.has(n)) gaps.push(n);
    if (gaps.length) {
      out.push(
        problem(
          'track_number_gap',
          'warning',
          positionsOf(discTracks),
          `Track numbers${onDisc} skip ${gaps.join(', ')}.`,
          'Renumber the tracks 1, 2, 3, … without gaps, or add the missing tracks.',
        ),
      );
    }
    const totals = distinct(discTracks, (t) => t.trackOf);
    if (totals.length === 1 && totals[0] !== discTracks.length) {
      out.push(
        problem(
          'track_total_mismatch',
          'info',
          [],
          `The tags say ${totals[0]} tracks${onDisc}, the folder has ${discTracks.length}.`,
          'Set the track total to the number of tracks, or add the missing ones.',
        ),
      );
    }
  }
  return out;
};

const artwork: Check = (draft) => {
  const art = draft.artwork;
  if (!art) {
    return [
      problem(
        'missing_artwork',
        'error',
        [],
        'No artwork: neither embedded in a track nor a cover image in the folder.',
        `Add a square cover (JPEG or PNG, at least ${RECOMMENDED_ARTWORK_PX}×${RECOMMENDED_ARTWORK_PX}, 3000×3000 is best) as cover.jpg in the folder or embed it in the tracks.`,
      ),
    ];
  }
  if (art.width === null || art.height === null) {
    return [
      problem(
        'artwork_format',
        'warning',
        [],
        `The artwork is not a JPEG or PNG (${art.format}); its size could not be checked.`,
        'Save the cover as JPEG or PNG.',
      ),
    ];
  }
  const out: ReleaseProblem[] = [];
  const side = Math.min(art.width, art.height);
  const dims = `${art.width}×${art.height}`;
  if (side < RECOMMENDED_ARTWORK_PX) {
    out.push(
      problem(
        'small_artwork',
        side < MINIMUM_ARTWORK_PX ? 'error' : 'warning',
        [],
        `The artwork is ${dims} pixels, smaller than ${RECOMMENDED_ARTWORK_PX}×${RECOMMENDED_ARTWORK_PX}; it will look blurry on large screens.`,
        `Export the cover at ${RECOMMENDED_ARTWORK_PX}×${RECOMMENDED_ARTWORK_PX} or larger (3000×3000 is best) from the original design, not by enlarging this one.`,
      ),
    );
  }
  if (art.width !== art.height) {
    out.push(
      problem(
        'artwork_not_square',
        'warning',
        [],
        `The artwork is ${dims}, not square; the catalog crops it to a square.`,
        'Make the cover square.',
      ),
    );
  }
  return out;
};

const shortTracks: Check = (draft) => {
  const short = readable(draft).filter((t) => t.durationMs > 0 && isShortTrack(t.durationMs));
  return short.length
    ? [
        problem(
          'short_track',
          'info',
          positionsOf(short),
          `${names(short)} ${short.length === 1 ? 'is' : 'are'} shorter than 45 s: always free to listeners, counted but never paid.`,
          'Nothing to fix if that is what you want (an intro, an interlude); a track of 45 s or more earns from its plays.',
        ),
      ]
    : [];
};

const audioQuality: Check = (draft) => {
  const tracks = readable(draft);
  const out: ReleaseProblem[] = [];
  const lossy = tracks.filter((t) => !t.lossless && t.bitrate !== null);
  const veryLow = lossy.filter((t) => t.bitrate! < LOW_BITRATE_ERROR);
  const low = lossy.filter((t) => t.bitrate! >= LOW_BITRATE_ERROR && t.bitrate! < LOW_BITRATE_WARNING);
  const kbps = (ts: DraftTrack[]) =>
    ts.map((t) => `${t.position}. ${Math.round(t.bitrate! / 1000)} kbit/s`).join(', ');
  const fix =
    'Upload lossless files (FLAC or WAV) exported from your master; the co-op encodes for streaming itself. If you only have lossy files, use 256 kbit/s or more.';
  if (veryLow.length)
    out.push(
      problem('low_bitrate', 'error', positionsOf(veryLow), `Very low bit rate: ${kbps(veryLow)}.`, fix),
    );
  if (low.length)
    out.push(problem('low_bitrate', 'warning', positionsOf(low), `Low bit rate: ${kbps(low)}.`, fix));
  const lowRate = tracks.filter((t) => t.sampleRate !== null && t.sampleRate < MIN_SAMPLE_RATE);
  if (lowRate.length) {
    out.push(
      problem(
        'low_sample_rate',
        'warning',
        positionsOf(lowRate),
        `Sample rate below 44.1 kHz: ${lowRate.map((t) => `${t.position}. ${t.sampleRate} Hz`).join(', ')}.`,
        'Export at 44.1 kHz or higher from your project (not by resampling this file).',
      ),
    );
  }
  return out;
};

const clipping: Check = (draft) => {
  const out: ReleaseProblem[] = [];
  for (const t of draft.tracks) {
    const m = t.measurement;
    if (m.state !== 'measured') continue;
    if (m.clippedSamples > 0) {
      const severity = m.clippedSamples >= CLIPPED_SAMPLES_ERROR ? 'error' : 'warning';
      out.push(
        problem(
          'clipping',
          severity,
          [t.position],
          `${t.position}. ${t.fileName}: ${m.clippedSamples} samples at full scale (clipped).`,
          'Lower the level before the limiter or master bus and export again; leave at least 1 dB of headroom (true peak ≤ −1 dBTP).',
        ),
      );
    } else if (m.truePeakDbtp !== null && m.truePeakDbtp > MAX_TRUE_PEAK_DBTP) {
      out.push(
        problem(
          'true_peak',
          'warning',
          [t.position],
          `${t.position}. ${t.fileName}: true peak ${m.truePeakDbtp.toFixed(1)} dBTP, over ${MAX_TRUE_PEAK_DBTP} dBTP; it may clip once encoded for streaming.`,
          "Set the limiter's ceiling to −1 dBTP (true peak mode) and export again.",
        ),
      );
    }
  }
  return out;
};

const loudness: Check = (draft, { targetLufs, toleranceLu }) => {
  const out: ReleaseProblem[] = [];
  for (const t of draft.tracks) {
    const m = t.measurement;
    if (m.state === 'not_measured') {
      out.push(
        problem(
          'not_measured',
          'info',
          [t.position],
          `${t.position}. ${t.fileName}: loudness and clipping were not checked (${m.detail}).`,
          'Export the track as FLAC or WAV to have it checked, or check it in your DAW.',
        ),
      );
      continue;
    }
    if (m.state !== 'measured') continue;
    if (m.integratedLufs === null) {
      out.push(
        problem(
          'silent_track',
          'error',
          [t.position],
          `${t.position}. ${t.fileName} is silent (nothing above −70 LUFS).`,
          'Export the track again: the file holds no audible audio.',
        ),
      );
      continue;
    }
    const off = m.integratedLufs - targetLufs;
    const level = `${m.integratedLufs.toFixed(1)} LUFS against a target of ${targetLufs} LUFS`;
    if (off < -toleranceLu) {
      out.push(
        problem(
          'loudness_too_quiet',
          'warning',
          [t.position],
          `${t.position}. ${t.fileName} is quiet: ${level}.`,
          `Raise the master level by about ${(-off).toFixed(1)} dB (with a limiter, keeping the true peak ≤ −1 dBTP), or keep it if the quiet is intended: players do not turn quiet tracks up.`,
        ),
      );
    } else if (off > toleranceLu) {
      out.push(
        problem(
          'loudness_too_loud',
          'warning',
          [t.position],
          `${t.position}. ${t.fileName} is loud: ${level}.`,
          `Players will turn it down by about ${off.toFixed(1)} dB, so the extra loudness only costs dynamics; consider a master with less limiting.`,
        ),
      );
    }
  }
  return out;
};

const CHECKS: Check[] = [
  emptyRelease,
  unreadableFiles,
  releaseTag(
    'album artist',
    'album_artist',
    (t) => t.albumArtist,
    'error',
    'Set the album artist tag on every track: the co-op lists the release under it.',
  ),
  releaseTag(
    'album title',
    'album',
    (t) => t.album,
    'error',
    'Set the album tag on every track to the release title.',
  ),
  releaseTag(
    'year',
    'year',
    (t) => t.year,
    'warning',
    'Set the year (or date) tag on every track to the release year.',
  ),
  missingTitles,
  trackNumbers,
  artwork,
  shortTracks,
  audioQuality,
  clipping,
  loudness,
];

const SEVERITY_ORDER: Record<ProblemSeverity, number> = { error: 0, warning: 1, info: 2 };

export function checkRelease(draft: ReleaseDraft, options: CheckOptions): ReleaseCheckReport {
  const problems = CHECKS.flatMap((check) => check(draft, options)).sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
  const counts = { error: 0, warning: 0, info: 0 };
  for (const p of problems) counts[p.severity]++;
  return {
    draftId: draft.draftId,
    targetLufs: options.targetLufs,
    toleranceLu: options.toleranceLu,
    complete: draft.analysis.done === draft.analysis.total,
    counts,
    problems,
  };
}
