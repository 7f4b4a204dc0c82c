import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { z } from 'zod';
import { CallError } from '../../../shared/contract/define';
import type { CoopRelease, PublishProgress, PublishResult } from '../../../shared/contract/artist';
import type { ReleaseDraft } from '../../../shared/contract/release';
import { publishing, type releaseViewSchema, type uploadViewSchema } from '../../../shared/server-api';
import { OFFSET_CONTENT_TYPE } from '../../../shared/server-api/publishing';
import { SyncApiError, type RawAnswer } from '../sync/api-client';
import {
  callSpec,
  errorFromAnswer,
  requestSpec,
  sendSpec,
  serverErrorOf,
  specAnswer,
  type Request,
} from './server-answer';

/**
 * Publishing a release draft to the co-op (docs/server-api.md, "Publishing
 * from the app"): a server draft, then each file uploaded tus-like in
 * chunks. After any failure (a dropped connection, a lost answer, a 5xx)
 * the upload asks the server where it is (`HEAD`, `Upload-Offset`) and
 * continues from there, so bytes are never sent twice and never missing.
 * The server checks every file itself; a rejected file stops the publish
 * with the server's reason. What was made on the server is remembered per
 * draft, so publishing the same draft again (after a rejection, or after
 * the app lost the network for longer) resumes instead of starting over.
 * Every call is a route of the wire contract (src/shared/server-api
 * `publishing`); a chunk's bytes go raw, its answer is parsed by the spec.
 */

type Upload = z.infer<typeof uploadViewSchema>;
type ServerRelease = z.infer<typeof releaseViewSchema>;

export function releaseView(r: ServerRelease): CoopRelease {
  return {
    releaseId: r.id,
    artistId: r.artistId,
    title: r.title,
    status: r.status,
    tracks: r.tracks.map((t) => ({
      id: t.id,
      title: t.title,
      trackNumber: t.trackNumber,
      durationMs: t.durationMs,
      status: t.status,
      published: t.published,
    })),
  };
}

export interface PublishRequest {
  draft: ReleaseDraft;
  /** The file behind a draft position. */
  fileOf(position: number): string | null;
  artistId: string;
  title: string;
  tracks: { position: number; status: 'paid' | 'free' }[];
}

interface Job {
  releaseId: string;
  artistId: string;
  uploads: Map<number, { uploadId: string; size: number; sha256: string }>;
}

export interface PublisherOptions {
  request: Request;
  progress(p: PublishProgress): void;
  /** Called once the server draft exists (the app remembers the release for `artist.releases`). */
  created(release: { releaseId: string; artistId: string; title: string }): void;
  /** Bytes per PATCH (default 4 MiB; halved when the server says it is too big). */
  chunkBytes?: number;
  /** Attempts per chunk after failures (default 6), and the wait between them. */
  maxAttempts?: number;
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class Publisher {
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Set<string>();

  constructor(private readonly options: PublisherOptions) {}

  async publish(req: PublishRequest): Promise<PublishResult> {
    const draftId = req.draft.draftId;
    if (this.running.has(draftId)) throw new CallError('conflict', 'This draft is being published already.');
    this.running.add(draftId);
    try {
      return await this.run(req);
    } catch (error) {
      this.emit({
        draftId,
        releaseId: this.jobs.get(draftId)?.releaseId ?? null,
        phase: 'failed',
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      this.running.delete(draftId);
    }
  }

  private emit(p: Partial<PublishProgress> & Pick<PublishProgress, 'draftId' | 'phase'>): void {
    this.options.progress({
      releaseId: null,
      position: null,
      fileName: null,
      fileState: null,
      sentBytes: 0,
      totalBytes: 0,
      filesDone: 0,
      filesTotal: 0,
      message: null,
      ...p,
    });
  }

  private async run(req: PublishRequest): Promise<PublishResult> {
    const { draft } = req;
    const draftId = draft.draftId;
    const seen = new Set<number>();
    const selected = [...req.tracks].sort((a, b) => a.position - b.position);
    for (const t of selected) {
      if (seen.has(t.position))
        throw new CallError('invalid_input', `Track ${t.position} is listed twice.`, [
          { path: 'tracks', message: 'positions must be unique' },
        ]);
      seen.add(t.position);
      if (!draft.tracks.some((d) => d.position === t.position))
        throw new CallError('invalid_input', `The draft has no track ${t.position}.`, [
          { path: 'tracks', message: `no track ${t.position}` },
        ]);
    }

    // The server draft: the one made for this draft before, if it is still a draft; else a new one.
    this.emit({ draftId, phase: 'creating', filesTotal: selected.length });
    let job = this.jobs.get(draftId);
    if (job && job.artistId === req.artistId) {
      const spec = publishing.getPublishingRelease;
      const action = 'look up the release';
      const answer = await sendSpec(this.options.request, spec, { params: { id: job.releaseId } }, action);
      const existing = answer.status === 200 ? specAnswer(spec, answer, action) : null;
      if (existing && existing.status !== 'draft')
        throw new CallError(
          'conflict',
          `This draft was published already (release ${existing.id}, now ${existing.status}).`,
        );
      if (!existing) job = undefined;
    } else job = undefined;
    if (!job) {
      const created = await callSpec(
        this.options.request,
        publishing.createDraftRelease,
        { body: { artistId: req.artistId, title: req.title } },
        'create the release',
      );
      job = { releaseId: created.id, artistId: req.artistId, uploads: new Map() };
      this.jobs.set(draftId, job);
      this.options.created({ releaseId: created.id, artistId: req.artistId, title: req.title });
    }
    const releaseId = job.releaseId;

    // Files asked for before and left out now are removed from the server draft.
    for (const [position, u] of [...job.uploads]) {
      if (seen.has(position)) continue;
      const answer = await sendSpec(
        this.options.request,
        publishing.deleteUpload,
        { params: { id: u.uploadId } },
        'remove a file',
      );
      if (answer.status !== 204 && answer.status !== 404) throw errorFromAnswer(answer, 'remove a file');
      job.uploads.delete(position);
    }

    const rejected: PublishResult['rejected'] = [];
    const statusOf = new Map<string, 'paid' | 'free'>();
    let resumed = 0;
    let filesDone = 0;
    for (const [index, choice] of selected.entries()) {
      const track = draft.tracks.find((d) => d.position === choice.position)!;
      const file = req.fileOf(choice.position);
      if (!file)
        throw new CallError('not_found', `The file of track ${choice.position} is gone from the draft.`);
      // Short tracks are free to listeners whatever the artist picks (the server decides so too).
      const status = track.alwaysFree ? 'free' : choice.status;
      const size = (await stat(file)).size;
      const sha256 = await sha256Of(file);
      const base = {
        draftId,
        releaseId,
        phase: 'uploading' as const,
        position: choice.position,
        fileName: track.fileName,
        totalBytes: size,
        filesTotal: selected.length,
      };

      let upload: Upload | null = null;
      const known = job.uploads.get(choice.position);
      if (known && known.size === size && known.sha256 === sha256) {
        const spec = publishing.getUpload;
        const action = 'look up an upload';
        const answer = await sendSpec(this.options.request, spec, { params: { id: known.uploadId } }, action);
        if (answer.status === 200) upload = specAnswer(spec, answer, action);
      }
      if (upload?.state === 'rejected' || (known && !upload)) {
        if (upload)
          await sendSpec(
            this.options.request,
            publishing.deleteUpload,
            { params: { id: upload.id } },
            'remove a rejected file',
          );
        upload = null;
      }
      if (!upload) {
        upload = await callSpec(
          this.options.request,
          publishing.createUpload,
          {
            params: { id: releaseId },
            body: {
              fileName: track.fileName.split('/').pop() ?? track.fileName,
              size,
              sha256,
              title: track.title || undefined,
              trackNumber: index + 1,
              status,
            },
          },
          `start uploading ${track.fileName}`,
        );
        job.uploads.set(choice.position, { uploadId: upload.id, size, sha256 });
      } else if (upload.state === 'receiving' && upload.offset > 0) {
        resumed++;
        this.emit({ ...base, fileState: 'resuming', sentBytes: upload.offset, filesDone });
      }
      statusOf.set(upload.id, status);

      if (upload.state === 'receiving') {
        const outcome = await this.send(file, upload, (sentBytes, state) =>
          this.emit({ ...base, fileState: state, sentBytes, filesDone }),
        );
        upload = outcome.upload;
        resumed += outcome.resumed;
      }
      filesDone++;
      this.emit({
        ...base,
        fileState: upload.state === 'accepted' ? 'accepted' : 'rejected',
        sentBytes: size,
        filesDone,
        message: upload.rejectReason,
      });
      if (upload.state === 'rejected')
        rejected.push({
          position: choice.position,
          fileName: track.fileName,
          reason: upload.rejectReason ?? 'rejected',
        });
    }

    if (rejected.length) {
      const view = await this.releaseNow(releaseId);
      this.emit({
        draftId,
        releaseId,
        phase: 'failed',
        filesDone,
        filesTotal: selected.length,
        message: rejected.map((r) => `${r.fileName}: ${r.reason}`).join('; '),
      });
      return { draftId, releaseId, published: false, release: view, rejected, resumed };
    }

    this.emit({ draftId, releaseId, phase: 'publishing', filesDone, filesTotal: selected.length });
    const published = await callSpec(
      this.options.request,
      publishing.publishRelease,
      {
        params: { id: releaseId },
        body: { tracks: [...statusOf].map(([uploadId, status]) => ({ uploadId, status })) },
      },
      'publish the release',
    );
    // The job stays: publishing this draft again is refused instead of making a second release.
    this.emit({ draftId, releaseId, phase: 'done', filesDone, filesTotal: selected.length });
    return { draftId, releaseId, published: true, release: releaseView(published), rejected: [], resumed };
  }

  private async releaseNow(releaseId: string): Promise<CoopRelease> {
    return releaseView(
      await callSpec(
        this.options.request,
        publishing.getPublishingRelease,
        { params: { id: releaseId } },
        'look up the release',
      ),
    );
  }

  /** Where the server is with an upload (HEAD), after a failure. */
  private async offsetNow(uploadId: string): Promise<{ offset: number; state: string } | null> {
    try {
      const answer = await requestSpec(this.options.request, publishing.uploadOffset, {
        params: { id: uploadId },
      });
      if (answer.status !== 200) return null;
      return {
        offset: Number(answer.headers.get('upload-offset')),
        state: answer.headers.get('upload-state') ?? 'receiving',
      };
    } catch {
      return null;
    }
  }

  /** PATCH chunks from the server's offset to the end; resumes from HEAD after any failure. */
  private async send(
    file: string,
    first: Upload,
    onProgress: (sent: number, state: 'uploading' | 'resuming' | 'checking') => void,
  ): Promise<{ upload: Upload; resumed: number }> {
    const maxAttempts = this.options.maxAttempts ?? 6;
    const delay = this.options.retryDelayMs ?? 500;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let chunkBytes = this.options.chunkBytes ?? 4 * 1024 * 1024;
    let offset = first.offset;
    let resumed = 0;
    let failures = 0;
    const handle = await open(file, 'r');
    try {
      for (;;) {
        const length = Math.min(chunkBytes, first.size - offset);
        const bytes = Buffer.alloc(Math.max(0, length));
        if (length > 0) await handle.read(bytes, 0, length, offset);
        onProgress(offset, 'uploading');
        if (offset + length >= first.size) onProgress(offset, 'checking');
        let answer: RawAnswer | null = null;
        try {
          answer = await requestSpec(
            this.options.request,
            publishing.appendChunk,
            { params: { id: first.id } },
            {
              bytes,
              headers: { 'content-type': OFFSET_CONTENT_TYPE, 'upload-offset': String(offset) },
              // A chunk on a slow line, and the server's check of the whole file after the last one.
              timeoutMs: 120_000,
            },
          );
        } catch (error) {
          if (!(error instanceof SyncApiError)) throw error;
          answer = null;
        }
        if (answer && answer.status === 200) {
          const upload = specAnswer(publishing.appendChunk, answer, 'upload a chunk');
          failures = 0;
          offset = upload.offset;
          if (upload.state !== 'receiving') return { upload, resumed };
          continue;
        }
        const code = answer ? serverErrorOf(answer)?.code : null;
        if (answer && code === 'offset_mismatch') {
          // The server has another offset (a chunk we never heard back about arrived): go on from there.
          offset = Number(
            answer.headers.get('upload-offset') ?? (await this.offsetNow(first.id))?.offset ?? offset,
          );
          resumed++;
          onProgress(offset, 'resuming');
          continue;
        }
        if (answer && code === 'body_too_large' && chunkBytes > 64 * 1024) {
          chunkBytes = Math.floor(chunkBytes / 2);
          continue;
        }
        if (answer && answer.status < 500 && code !== 'upload_closed')
          throw errorFromAnswer(answer, 'upload a chunk');
        const failure = answer ? `the server answered ${answer.status}` : 'the connection failed';
        // Network trouble, a lost answer, a 5xx, or closed meanwhile: ask the server where it is.
        if (++failures >= maxAttempts)
          throw new CallError(
            'unavailable',
            `Could not upload ${first.fileName} (${failure}); publish again to resume from where it stopped.`,
          );
        await sleep(delay * failures);
        const now = await this.offsetNow(first.id);
        if (now && now.state !== 'receiving') {
          const upload = await callSpec(
            this.options.request,
            publishing.getUpload,
            { params: { id: first.id } },
            'look up an upload',
          );
          return { upload, resumed };
        }
        if (now) offset = now.offset;
        resumed++;
        onProgress(offset, 'resuming');
      }
    } finally {
      await handle.close();
    }
  }
}
