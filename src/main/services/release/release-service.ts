import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CallError } from '../../../shared/contract/define';
import type {
  AudioMeasurement,
  CheckOptions,
  DraftTrack,
  ReleaseCheckReport,
  ReleaseDraft,
} from '../../../shared/contract/release';
import { isShortTrack } from '../../../shared/pricing';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import { contentTypeFor, type MediaFile } from '../media/media-router';
import type { AnalysisPool } from './analysis/analysis-pool';
import type { AudioAnalysis } from './analysis/analyze-audio';
import { checkRelease } from './checks/release-checks';
import { readDraftFolder, type DraftFolder } from './draft/read-draft-folder';

export interface ReleaseDeps {
  /** Measures audio off the main thread. */
  analysis: AnalysisPool;
  /** Embedded artwork is written here so the media router can serve it as a file. */
  scratchDir: string;
  events?: EventHub;
  logger?: Logger;
}

interface OpenDraft {
  id: string;
  folder: DraftFolder;
  measurements: AudioMeasurement[];
  /** The file behind `draft/<id>/cover`. */
  artworkFile: string | null;
  analysed: Promise<void>;
  closed: boolean;
}

function toMeasurement(a: AudioAnalysis): AudioMeasurement {
  if (!a.measured) return { state: 'not_measured', reason: a.reason, detail: a.detail };
  return {
    state: 'measured',
    integratedLufs: a.integratedLufs,
    samplePeakDbfs: a.samplePeakDbfs,
    truePeakDbtp: a.truePeakDbtp,
    clippedSamples: a.clippedSamples,
    decodedDurationMs: a.decodedDurationMs,
  };
}

/** The value most tracks agree on, for the release header. */
function mostCommon<T>(values: Array<T | null | ''>): T | null {
  const counts = new Map<T, number>();
  for (const v of values) if (v !== null && v !== '') counts.set(v as T, (counts.get(v as T) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  for (const [v, n] of counts) if (n > bestCount) [best, bestCount] = [v, n];
  return best;
}

/**
 * Release drafts for the artist's preview: open a folder, show it as the
 * catalog will, measure every track in a worker, check it. Drafts are kept
 * in memory only; nothing here touches the library, the wallet or receipts.
 */
export class ReleaseService {
  private readonly drafts = new Map<string, OpenDraft>();

  constructor(private readonly deps: ReleaseDeps) {}

  async openDraft(folderPath: string): Promise<ReleaseDraft> {
    const folder = resolve(folderPath);
    const info = await stat(folder).catch(() => null);
    if (!info?.isDirectory()) throw new CallError('not_found', `No such folder: ${folder}`);
    const read = await readDraftFolder(folder);
    const id = randomBytes(9).toString('base64url');
    const draft: OpenDraft = {
      id,
      folder: read,
      measurements: read.files.map(() => ({ state: 'pending' })),
      artworkFile: await this.artworkFile(id, read),
      analysed: Promise.resolve(),
      closed: false,
    };
    this.drafts.set(id, draft);
    draft.analysed = this.measureAll(draft);
    return this.view(draft);
  }

  draft(draftId: string): ReleaseDraft {
    return this.view(this.get(draftId));
  }

  tracks(draftId: string): DraftTrack[] {
    return this.view(this.get(draftId)).tracks;
  }

  checks(options: CheckOptions): ReleaseCheckReport {
    return checkRelease(this.draft(options.draftId), options);
  }

  /** Resolves when every track of the draft has been measured (or found unmeasurable). */
  async whenAnalysed(draftId: string): Promise<void> {
    await this.get(draftId).analysed;
  }

  async closeDraft(draftId: string): Promise<{ closed: boolean }> {
    const draft = this.drafts.get(draftId);
    if (!draft) return { closed: false };
    draft.closed = true;
    this.drafts.delete(draftId);
    if (draft.artworkFile && draft.folder.artwork?.source === 'embedded')
      await rm(draft.artworkFile, { force: true });
    return { closed: true };
  }

  /** `draft/<draftId>/<position>` → the track's file; `draft/<draftId>/cover` → the artwork. */
  mediaFile(segments: string[]): MediaFile | null {
    const [draftId, what, ...rest] = segments;
    if (!draftId || !what || rest.length) return null;
    const draft = this.drafts.get(draftId);
    if (!draft) return null;
    if (what === 'cover')
      return draft.artworkFile
        ? { file: draft.artworkFile, contentType: contentTypeFor(draft.artworkFile) }
        : null;
    if (!/^\d{1,4}$/.test(what)) return null;
    const file = draft.folder.files[Number(what) - 1]?.file;
    return file ? { file, contentType: contentTypeFor(file) } : null;
  }

  async close(): Promise<void> {
    for (const id of [...this.drafts.keys()]) await this.closeDraft(id);
    await this.deps.analysis.close();
  }

  private get(draftId: string): OpenDraft {
    const draft = this.drafts.get(draftId);
    if (!draft)
      throw new CallError('not_found', 'No such release draft (it was closed, or the app restarted).');
    return draft;
  }

  private async artworkFile(id: string, read: DraftFolder): Promise<string | null> {
    const art = read.artwork;
    if (!art) return null;
    if (art.source === 'folder') return art.file;
    if (!art.data) return null;
    await mkdir(this.deps.scratchDir, { recursive: true });
    const file = join(this.deps.scratchDir, `draft-${id}-cover.${art.format === 'png' ? 'png' : 'jpg'}`);
    await writeFile(file, art.data);
    return file;
  }

  /** One track at a time through the worker; each result is announced so the UI can refresh. */
  private async measureAll(draft: OpenDraft): Promise<void> {
    const total = draft.folder.files.length;
    for (const [i, f] of draft.folder.files.entries()) {
      if (draft.closed) return;
      const analysis: AudioAnalysis = f.readError
        ? { measured: false, reason: 'corrupt', detail: 'the file could not be read' }
        : await this.deps.analysis.analyze(f.file);
      draft.measurements[i] = toMeasurement(analysis);
      if (!analysis.measured)
        this.deps.logger?.info(
          { file: f.file, detail: analysis.detail },
          'release draft: track not measured',
        );
      this.deps.events?.emit('release.analysisProgress', { draftId: draft.id, done: i + 1, total });
    }
  }

  private view(draft: OpenDraft): ReleaseDraft {
    const { files, artwork } = draft.folder;
    const tracks: DraftTrack[] = files.map((f, i) => {
      const m = draft.measurements[i]!;
      // A header-only duration can be off for MP3s without a length header; the decoded length is exact.
      const durationMs =
        m.state === 'measured' && m.decodedDurationMs > 0 ? m.decodedDurationMs : f.durationMs;
      return {
        position: i + 1,
        fileName: f.fileName,
        title: f.title,
        artist: f.artist || f.albumArtist,
        albumArtist: f.albumArtist,
        album: f.album,
        trackNo: f.trackNo,
        trackOf: f.trackOf,
        discNo: f.discNo,
        year: f.year,
        durationMs,
        alwaysFree: durationMs > 0 && isShortTrack(durationMs),
        codec: f.codec,
        lossless: f.lossless,
        bitrate: f.bitrate,
        sampleRate: f.sampleRate,
        bitsPerSample: f.bitsPerSample,
        channels: f.channels,
        readError: f.readError,
        measurement: m,
        mediaPath: `draft/${draft.id}/${i + 1}`,
      };
    });
    return {
      draftId: draft.id,
      folder: draft.folder.folder,
      title: mostCommon(files.map((f) => f.album)) ?? '',
      albumArtist: mostCommon(files.map((f) => f.albumArtist)) ?? '',
      year: mostCommon(files.map((f) => f.year)),
      artwork: artwork
        ? {
            source: artwork.source,
            fileName: artwork.file ? artwork.file.slice(draft.folder.folder.length + 1) : null,
            format: artwork.format,
            width: artwork.width,
            height: artwork.height,
            bytes: artwork.bytes,
            mediaPath: `draft/${draft.id}/cover`,
          }
        : null,
      tracks,
      totalDurationMs: tracks.reduce((sum, t) => sum + t.durationMs, 0),
      analysis: { done: draft.measurements.filter((m) => m.state !== 'pending').length, total: files.length },
    };
  }
}
