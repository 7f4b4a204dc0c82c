import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CallError } from '../../../shared/contract/define';
import type { PublishProgress } from '../../../shared/contract/artist';
import { publishing } from '../../../shared/server-api';
import { sendChunks } from './chunk-upload';
import type { Emit, Job, PublisherOptions, PublishRequest, TrackChoice, Upload } from './publish-parts';
import { callSpec, sendSpec, specAnswer, type Request } from './server-answer';

/**
 * One draft track's file on the server: an upload of this very file (same
 * size and SHA-256) continued where the server has it, else a new one, then
 * its bytes sent; the server checks the whole file and accepts or rejects it.
 */

/** The track as it is published: its file, and the status the listener gets. */
interface PlannedTrack {
  position: number;
  fileName: string;
  title: string;
  /** Its number on the release: its place among the tracks asked for. */
  trackNumber: number;
  status: 'paid' | 'free';
  file: string;
  size: number;
  sha256: string;
}

/** What uploading one track needs: the publisher's options, its job and progress, and the files done before it. */
export interface TrackUploadContext {
  options: PublisherOptions;
  job: Job;
  emit: Emit;
  draftId: string;
  filesTotal: number;
  filesDone: number;
}

export interface TrackUploaded {
  upload: Upload;
  status: 'paid' | 'free';
  fileName: string;
  resumed: number;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The draft's track at `choice`, its file measured; a file gone from the draft is not_found. */
async function planTrack(req: PublishRequest, choice: TrackChoice, index: number): Promise<PlannedTrack> {
  const track = req.draft.tracks.find((d) => d.position === choice.position)!;
  const file = req.fileOf(choice.position);
  if (!file) throw new CallError('not_found', `The file of track ${choice.position} is gone from the draft.`);
  return {
    position: choice.position,
    fileName: track.fileName,
    title: track.title,
    trackNumber: index + 1,
    // Short tracks are free to listeners whatever the artist picks (the server decides so too).
    status: track.alwaysFree ? 'free' : choice.status,
    file,
    size: (await stat(file)).size,
    sha256: await sha256Of(file),
  };
}

/**
 * The server's upload of this very file made by an earlier run, if it can
 * go on; a rejected one is removed from the draft. Null: start a new one.
 */
async function continuableUpload(request: Request, job: Job, track: PlannedTrack): Promise<Upload | null> {
  let upload: Upload | null = null;
  const known = job.uploads.get(track.position);
  if (known && known.size === track.size && known.sha256 === track.sha256) {
    const spec = publishing.getUpload;
    const action = 'look up an upload';
    const answer = await sendSpec(request, spec, { params: { id: known.uploadId } }, action);
    if (answer.status === 200) upload = specAnswer(spec, answer, action);
  }
  if (upload?.state === 'rejected' || (known && !upload)) {
    if (upload)
      await sendSpec(
        request,
        publishing.deleteUpload,
        { params: { id: upload.id } },
        'remove a rejected file',
      );
    upload = null;
  }
  return upload;
}

/** A new upload of the track's file in the job's server draft, remembered in the job for a later run. */
async function startUpload(request: Request, job: Job, track: PlannedTrack): Promise<Upload> {
  const upload = await callSpec(
    request,
    publishing.createUpload,
    {
      params: { id: job.releaseId },
      body: {
        fileName: track.fileName.split('/').pop() ?? track.fileName,
        size: track.size,
        sha256: track.sha256,
        title: track.title || undefined,
        trackNumber: track.trackNumber,
        status: track.status,
      },
    },
    `start uploading ${track.fileName}`,
  );
  job.uploads.set(track.position, { uploadId: upload.id, size: track.size, sha256: track.sha256 });
  return upload;
}

/**
 * Guarantees the track's upload is closed by the server (accepted or
 * rejected) when this answers, and that progress told each step of it
 * (resuming, chunks, the server's check, the outcome).
 */
export async function uploadTrack(
  ctx: TrackUploadContext,
  req: PublishRequest,
  choice: TrackChoice,
  index: number,
): Promise<TrackUploaded> {
  const { options, job, emit, filesDone } = ctx;
  const track = await planTrack(req, choice, index);
  const base = {
    draftId: ctx.draftId,
    releaseId: job.releaseId,
    phase: 'uploading' as const,
    position: track.position,
    fileName: track.fileName,
    totalBytes: track.size,
    filesTotal: ctx.filesTotal,
  };
  const tell = (fileState: PublishProgress['fileState'], sentBytes: number) =>
    emit({ ...base, fileState, sentBytes, filesDone });
  let resumed = 0;
  let upload = await continuableUpload(options.request, job, track);
  if (!upload) upload = await startUpload(options.request, job, track);
  else if (upload.state === 'receiving' && upload.offset > 0) {
    resumed++;
    tell('resuming', upload.offset);
  }
  if (upload.state === 'receiving') {
    const outcome = await sendChunks(options, track.file, upload, (sent, state) => tell(state, sent));
    upload = outcome.upload;
    resumed += outcome.resumed;
  }
  emit({
    ...base,
    fileState: upload.state === 'accepted' ? 'accepted' : 'rejected',
    sentBytes: track.size,
    filesDone: filesDone + 1,
    message: upload.rejectReason,
  });
  return { upload, status: track.status, fileName: track.fileName, resumed };
}
