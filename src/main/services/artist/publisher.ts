import { CallError } from '../../../shared/contract/define';
import type { PublishResult } from '../../../shared/contract/artist';
import { publishing } from '../../../shared/server-api';
import {
  emitterOf,
  type Emit,
  type Job,
  type PublisherOptions,
  type PublishRequest,
  type TrackChoice,
} from './publish-parts';
import { selectedTracks } from './publish-selection';
import { releaseView } from './release-view';
import { createServerDraft, releaseNow, removeLeftOut, reusableJob } from './server-draft';
import { callSpec } from './server-answer';
import { uploadTrack } from './track-upload';

export type { PublisherOptions, PublishRequest } from './publish-parts';

/**
 * Publishing a release draft to the co-op (docs/server-api.md, "Publishing
 * from the app"), in stages: the tracks asked for checked
 * (`publish-selection.ts`) → the server draft, made or reused
 * (`server-draft.ts`) → files left out removed → each file uploaded
 * tus-like in resumable chunks (`track-upload.ts`, `chunk-upload.ts`) →
 * published, or the rejections reported. After any failure (a dropped
 * connection, a lost answer, a 5xx) an upload asks the server where it is
 * (`HEAD`, `Upload-Offset`) and continues from there, so bytes are never
 * sent twice and never missing. The server checks every file itself; a
 * rejected file stops the publish with the server's reason. What was made
 * on the server is remembered per draft, so publishing the same draft again
 * (after a rejection, or after the app lost the network for longer) resumes
 * instead of starting over. Every call is a route of the wire contract
 * (src/shared/server-api `publishing`); a chunk's bytes go raw, its answer
 * is parsed by the spec.
 */

/** Every selected file's upload closed by the server: what to publish, and what was rejected. */
interface Uploaded {
  statusOf: Map<string, 'paid' | 'free'>;
  rejected: PublishResult['rejected'];
  resumed: number;
}

export class Publisher {
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Set<string>();
  private readonly emit: Emit;

  constructor(private readonly options: PublisherOptions) {
    this.emit = emitterOf(options.progress);
  }

  /** One run per draft at a time; a failed run tells progress 'failed' with its reason, and throws it. */
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

  private async run(req: PublishRequest): Promise<PublishResult> {
    const draftId = req.draft.draftId;
    const selected = selectedTracks(req);
    this.emit({ draftId, phase: 'creating', filesTotal: selected.length });
    const job = await this.serverDraft(req);
    await removeLeftOut(this.options.request, job, new Set(selected.map((t) => t.position)));
    const uploaded = await this.uploadAll(req, job, selected);
    return uploaded.rejected.length
      ? this.reportRejected(draftId, job.releaseId, selected.length, uploaded)
      : this.publishAccepted(draftId, job.releaseId, selected.length, uploaded);
  }

  /** The server draft: the one made for this draft before, if it is still a draft; else a new one, remembered. */
  private async serverDraft(req: PublishRequest): Promise<Job> {
    const draftId = req.draft.draftId;
    const reused = await reusableJob(this.options.request, this.jobs.get(draftId), req.artistId);
    if (reused) return reused;
    const job = await createServerDraft(this.options.request, req);
    this.jobs.set(draftId, job);
    this.options.created({ releaseId: job.releaseId, artistId: req.artistId, title: req.title });
    return job;
  }

  /** Each selected file uploaded in draft order, one at a time, until the server closed its upload. */
  private async uploadAll(req: PublishRequest, job: Job, selected: TrackChoice[]): Promise<Uploaded> {
    const ctx = {
      options: this.options,
      job,
      emit: this.emit,
      draftId: req.draft.draftId,
      filesTotal: selected.length,
      filesDone: 0,
    };
    const uploaded: Uploaded = { statusOf: new Map(), rejected: [], resumed: 0 };
    for (const [index, choice] of selected.entries()) {
      const { upload, status, fileName, resumed } = await uploadTrack(ctx, req, choice, index);
      ctx.filesDone++;
      uploaded.statusOf.set(upload.id, status);
      uploaded.resumed += resumed;
      if (upload.state === 'rejected')
        uploaded.rejected.push({
          position: choice.position,
          fileName,
          reason: upload.rejectReason ?? 'rejected',
        });
    }
    return uploaded;
  }

  /** A file was rejected: nothing is published; the release as the server has it, and each reason. */
  private async reportRejected(
    draftId: string,
    releaseId: string,
    filesTotal: number,
    { rejected, resumed }: Uploaded,
  ): Promise<PublishResult> {
    const view = await releaseNow(this.options.request, releaseId);
    this.emit({
      draftId,
      releaseId,
      phase: 'failed',
      filesDone: filesTotal,
      filesTotal,
      message: rejected.map((r) => `${r.fileName}: ${r.reason}`).join('; '),
    });
    return { draftId, releaseId, published: false, release: view, rejected, resumed };
  }

  /** Every file accepted: the release published with each upload's status. */
  private async publishAccepted(
    draftId: string,
    releaseId: string,
    filesTotal: number,
    { statusOf, resumed }: Uploaded,
  ): Promise<PublishResult> {
    this.emit({ draftId, releaseId, phase: 'publishing', filesDone: filesTotal, filesTotal });
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
    this.emit({ draftId, releaseId, phase: 'done', filesDone: filesTotal, filesTotal });
    return { draftId, releaseId, published: true, release: releaseView(published), rejected: [], resumed };
  }
}
