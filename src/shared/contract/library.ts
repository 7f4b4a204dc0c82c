import { z } from 'zod';
import { call, event } from './define';

/**
 * The local library: the user's own music files. Rows are named by id;
 * files are reached only through media paths (`track/local/<id>`,
 * `cover/local/<id>`), never by file path from the renderer.
 */

export const trackStatusSchema = z.enum(['ok', 'missing', 'unavailable']);

export const replayGainSchema = z.object({
  trackGainDb: z.number().nullable(),
  trackPeak: z.number().nullable(),
  albumGainDb: z.number().nullable(),
  albumPeak: z.number().nullable(),
});

/** One row of the track table. */
export const libraryTrackSchema = z.object({
  id: z.number().int(),
  /** For display only (a file name that is not UTF-8 shows its bad bytes as %XX). */
  path: z.string(),
  title: z.string(),
  artist: z.string(),
  albumArtist: z.string(),
  album: z.string(),
  albumId: z.number().int().nullable(),
  artistId: z.number().int().nullable(),
  trackNo: z.number().int().nullable(),
  discNo: z.number().int().nullable(),
  year: z.number().int().nullable(),
  genre: z.string(),
  durationMs: z.number().int(),
  /** Short label: MP3, FLAC, Vorbis, Opus, AAC, ALAC, WAV, … */
  format: z.string(),
  bitrate: z.number().int().nullable(),
  sampleRate: z.number().int().nullable(),
  bpm: z.number().nullable(),
  /** As written in the file: `Am`, `8A`, `F#`, … The UI converts notation. */
  key: z.string().nullable(),
  hasArt: z.boolean(),
  status: trackStatusSchema,
  playCount: z.number().int(),
  lastPlayedAt: z.number().int().nullable(),
  addedAt: z.number().int(),
  /** `track/local/<id>` for the player, `cover/local/<id>` for the artwork. */
  mediaPath: z.string(),
  coverPath: z.string(),
});
export type LibraryTrack = z.infer<typeof libraryTrackSchema>;

export const libraryTrackDetailsSchema = libraryTrackSchema.extend({
  trackOf: z.number().int().nullable(),
  codec: z.string(),
  container: z.string(),
  size: z.number().int(),
  modifiedAt: z.number().int(),
  folder: z.string(),
  replayGain: replayGainSchema,
  /** True when title, artist or album came from file and folder names. */
  tagsFromNames: z.boolean(),
});
export type LibraryTrackDetails = z.infer<typeof libraryTrackDetailsSchema>;

export const trackSortFieldSchema = z.enum([
  'title',
  'artist',
  'album',
  'albumArtist',
  'year',
  'genre',
  'durationMs',
  'trackNo',
  'bpm',
  'key',
  'format',
  'playCount',
  'lastPlayedAt',
  'addedAt',
  'path',
]);
export type TrackSortField = z.infer<typeof trackSortFieldSchema>;

const pageInput = {
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(200),
};

export const trackQuerySchema = z
  .object({
    ...pageInput,
    sort: trackSortFieldSchema.default('artist'),
    direction: z.enum(['asc', 'desc']).default('asc'),
    /** Narrows by the search index (prefixes, accents folded), keeping the sort. */
    search: z.string().max(200).optional(),
    /** Default `ok`: the playable tracks. */
    status: z.enum(['ok', 'missing', 'unavailable', 'all']).default('ok'),
    albumId: z.number().int().optional(),
    artistId: z.number().int().optional(),
  })
  .strict();
export type TrackQuery = z.output<typeof trackQuerySchema>;

/** A window of rows for a virtualized list, and the total it is a window of. */
export const trackPageSchema = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  rows: z.array(libraryTrackSchema),
});

export const libraryAlbumSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  albumArtist: z.string(),
  /** The album artist's own page, when they are also a track artist in the library. */
  artistId: z.number().int().nullable(),
  year: z.number().int().nullable(),
  trackCount: z.number().int(),
  durationMs: z.number().int(),
  /** `cover/local/<trackId>` of a track of this album (embedded art, else a cover image in its folder). */
  coverPath: z.string(),
});
export type LibraryAlbum = z.infer<typeof libraryAlbumSchema>;

export const libraryArtistSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  trackCount: z.number().int(),
  albumCount: z.number().int(),
  coverPath: z.string().nullable(),
});
export type LibraryArtist = z.infer<typeof libraryArtistSchema>;

export const libraryFolderSchema = z.object({
  id: z.number().int(),
  path: z.string(),
  /** False when its drive or share was not reachable at the last scan; its tracks are kept. */
  available: z.boolean(),
  trackCount: z.number().int(),
  lastScanAt: z.number().int().nullable(),
});
export type LibraryFolder = z.infer<typeof libraryFolderSchema>;

export const problemReasonSchema = z.enum([
  'empty',
  'not_audio',
  'corrupt',
  'truncated',
  'unreadable',
  'symlink_loop',
  'broken_link',
  'path_too_long',
  'timeout',
  'crashed',
  'unavailable',
]);

export const libraryProblemSchema = z.object({
  path: z.string(),
  reason: problemReasonSchema,
  detail: z.string(),
  seenAt: z.number().int(),
});
export type LibraryProblem = z.infer<typeof libraryProblemSchema>;

export const scanSummarySchema = z.object({
  files: z.number().int(),
  added: z.number().int(),
  updated: z.number().int(),
  moved: z.number().int(),
  missing: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  unavailableFolders: z.array(z.string()),
  cancelled: z.boolean(),
  ms: z.number().int(),
});
export type ScanSummary = z.infer<typeof scanSummarySchema>;

export const scanStatusSchema = z.object({
  state: z.enum(['idle', 'scanning']),
  phase: z.enum(['listing', 'reading', 'finishing']).nullable(),
  done: z.number().int(),
  total: z.number().int(),
  /** Files per second. */
  rate: z.number(),
  currentFolder: z.string().nullable(),
  /** The last finished scan, if any since start-up. */
  last: scanSummarySchema.nullable(),
});
export type ScanStatus = z.infer<typeof scanStatusSchema>;

export const watchStateSchema = z.object({
  /** `watching`: changes show up by themselves; `polling`: the OS watch limit was hit, folders are rescanned every `pollIntervalMs`; `off`: neither. */
  mode: z.enum(['watching', 'polling', 'off']),
  reason: z.string().nullable(),
  pollIntervalMs: z.number().int().nullable(),
});
export type WatchState = z.infer<typeof watchStateSchema>;

/** The background analysis of tracks' audio: ReplayGain (EBU R128), tempo and key for tracks whose tags lack them. */
export const analysisStatusSchema = z.object({
  state: z.enum(['idle', 'running']),
  done: z.number().int(),
  total: z.number().int(),
  failed: z.number().int(),
  /** The last finished run since start-up: tracks measured, failed, wall time and mean time per track. */
  last: z
    .object({
      analysed: z.number().int(),
      failed: z.number().int(),
      ms: z.number().int(),
      msPerTrack: z.number().int(),
      cancelled: z.boolean(),
    })
    .nullable(),
});
export type AnalysisStatus = z.infer<typeof analysisStatusSchema>;

/** A track's measured values (null when never measured, or the measurement failed). */
export const trackAnalysisSchema = z.object({
  status: z.enum(['ok', 'failed']),
  detail: z.string(),
  analysedAt: z.number().int(),
  integratedLufs: z.number().nullable(),
  trackGainDb: z.number().nullable(),
  truePeak: z.number().nullable(),
  bpm: z.number().nullable(),
  key: z.string().nullable(),
  /** Which shown values are measured rather than tagged. */
  detected: z.object({ replayGain: z.boolean(), bpm: z.boolean(), key: z.boolean() }),
});
export type TrackAnalysisInfo = z.infer<typeof trackAnalysisSchema>;

const empty = z.object({}).strict();
const id = z.object({ id: z.number().int() }).strict();
const page = <Row extends z.ZodType>(row: Row) =>
  z.object({ total: z.number().int(), offset: z.number().int(), rows: z.array(row) });

export const libraryCalls = {
  'library.folders': call('Lists the library folders.', empty, z.array(libraryFolderSchema)),
  'library.addFolder': call(
    'Adds a folder to the library (saved in settings), scans it and watches it.',
    z.object({ path: z.string().min(1).max(4096) }).strict(),
    z.array(libraryFolderSchema),
  ),
  'library.removeFolder': call(
    'Removes a folder from the library, with its tracks. The files are not touched.',
    z.object({ path: z.string().min(1).max(4096) }).strict(),
    z.array(libraryFolderSchema),
  ),
  'library.scan': call(
    'Starts a scan of every folder (or those named); answers at once. Progress comes as library.scanProgress.',
    z.object({ folderIds: z.array(z.number().int()).max(200).optional() }).strict(),
    scanStatusSchema,
  ),
  'library.cancelScan': call('Cancels the running scan; what it read is kept.', empty, scanStatusSchema),
  'library.scanStatus': call('The scan in progress, or the last one.', empty, scanStatusSchema),
  'library.watchState': call('Whether folder changes are watched or polled.', empty, watchStateSchema),
  'library.tracks': call(
    'A window of tracks (offset/limit) in the given order, optionally narrowed by a search, with the total.',
    trackQuerySchema,
    trackPageSchema,
  ),
  'library.search': call(
    'Quick search as you type: best tracks, albums and artists for the words (prefixes, accents folded).',
    z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(200).default(25) }).strict(),
    z.object({
      tracks: z.array(libraryTrackSchema),
      albums: z.array(libraryAlbumSchema),
      artists: z.array(libraryArtistSchema),
    }),
  ),
  'library.track': call('Everything known about one track.', id, libraryTrackDetailsSchema),
  'library.albums': call(
    'Albums in the library, by album artist then title.',
    z.object({ ...pageInput }).strict(),
    page(libraryAlbumSchema),
  ),
  'library.album': call(
    'One album and its tracks in disc and track order.',
    id,
    z.object({ album: libraryAlbumSchema, tracks: z.array(libraryTrackSchema) }),
  ),
  'library.artists': call(
    'Artists in the library, by name.',
    z.object({ ...pageInput }).strict(),
    page(libraryArtistSchema),
  ),
  'library.artist': call(
    "One artist's page: their albums and tracks.",
    id,
    z.object({
      artist: libraryArtistSchema,
      albums: z.array(libraryAlbumSchema),
      tracks: z.array(libraryTrackSchema),
    }),
  ),
  'library.problems': call(
    'Files that could not be added, and why.',
    z.object({ ...pageInput }).strict(),
    page(libraryProblemSchema),
  ),
  'library.relocate': call(
    'Binds a track whose file is missing to its file again: `path` is the file, or a folder to look in (by content, else same title, artist and length). Keeps its id, plays and lists. The file must be inside a library folder.',
    z.object({ id: z.number().int(), path: z.string().min(1).max(4096) }).strict(),
    z.object({ path: z.string(), matchedBy: z.enum(['fingerprint', 'tags']) }),
  ),
};

/** The library's audio analysis (its own handlers: src/main/services/library/analysis). */
export const libraryAnalysisCalls = {
  'library.analyse': call(
    'Measures, in the background, the tracks (all, or those named) that lack ReplayGain, BPM or key tags: EBU R128 loudness → ReplayGain 2.0 gain (−18 LUFS) and peak, tempo, key. Tags are never overwritten. `force` measures the named tracks again. Answers at once; progress comes as library.analysisProgress.',
    z
      .object({
        trackIds: z.array(z.number().int()).max(100_000).optional(),
        force: z.boolean().default(false),
      })
      .strict(),
    analysisStatusSchema,
  ),
  'library.cancelAnalysis': call(
    'Stops the analysis; what was measured is kept.',
    empty,
    analysisStatusSchema,
  ),
  'library.analysisStatus': call('The analysis in progress, or the last one.', empty, analysisStatusSchema),
  'library.trackAnalysis': call(
    "A track's measured values, or null if it was never measured.",
    id,
    trackAnalysisSchema.nullable(),
  ),
};

export const libraryEvents = {
  'library.analysisProgress': event(
    'The analysis moved on (a few times a second at most), started or finished.',
    analysisStatusSchema,
  ),
  'library.scanProgress': event(
    'A scan moved on (a few times a second at most), started or finished.',
    scanStatusSchema,
  ),
  'library.changed': event(
    'The library content changed (after a scan batch, a watched change, a play): refetch what is shown.',
    z.object({ reason: z.enum(['scan', 'folders', 'plays', 'relocate', 'analysis']) }),
  ),
  'library.watchState': event('Watching switched between watching, polling and off.', watchStateSchema),
};
