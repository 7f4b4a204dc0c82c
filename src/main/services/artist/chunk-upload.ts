import { open, type FileHandle } from 'node:fs/promises';
import { CallError } from '../../../shared/contract/define';
import { publishing } from '../../../shared/server-api';
import { OFFSET_CONTENT_TYPE } from '../../../shared/server-api/publishing';
import { SyncApiError, type RawAnswer } from '../sync/api-client';
import type { PublisherOptions, Upload } from './publish-parts';
import {
  callSpec,
  errorFromAnswer,
  requestSpec,
  serverErrorOf,
  specAnswer,
  type Request,
} from './server-answer';

/**
 * One file's bytes sent tus-like: PATCH chunks from the server's offset to
 * the end. After any failure (a dropped connection, a lost answer, a 5xx)
 * the server is asked where it is (`HEAD`, `Upload-Offset`) and the upload
 * goes on from there, so bytes are never sent twice and never missing.
 */

export type ChunkState = 'uploading' | 'resuming' | 'checking';
export type OnChunkProgress = (sent: number, state: ChunkState) => void;
type ChunkOptions = Pick<
  PublisherOptions,
  'request' | 'chunkBytes' | 'maxAttempts' | 'retryDelayMs' | 'sleep'
>;

/** Where one file's sending is: the next offset, the chunk size, failures in a row, resumes so far. */
interface Sending {
  readonly options: ChunkOptions;
  readonly upload: Upload;
  readonly handle: FileHandle;
  readonly onProgress: OnChunkProgress;
  offset: number;
  chunkBytes: number;
  failures: number;
  resumed: number;
}

/** Sends `first`'s file from the server's offset until the server has it all; answers the upload as the server closed it. */
export async function sendChunks(
  options: ChunkOptions,
  file: string,
  first: Upload,
  onProgress: OnChunkProgress,
): Promise<{ upload: Upload; resumed: number }> {
  const handle = await open(file, 'r');
  const s: Sending = {
    options,
    upload: first,
    handle,
    onProgress,
    offset: first.offset,
    chunkBytes: options.chunkBytes ?? 4 * 1024 * 1024,
    failures: 0,
    resumed: 0,
  };
  try {
    for (;;) {
      const done = await afterChunk(s, await sendNextChunk(s));
      if (done) return { upload: done, resumed: s.resumed };
    }
  } finally {
    await handle.close();
  }
}

/** The chunk at the current offset PATCHed; null when the connection failed (network trouble is not thrown). */
async function sendNextChunk(s: Sending): Promise<RawAnswer | null> {
  const { size } = s.upload;
  const length = Math.min(s.chunkBytes, size - s.offset);
  const bytes = Buffer.alloc(Math.max(0, length));
  if (length > 0) await s.handle.read(bytes, 0, length, s.offset);
  s.onProgress(s.offset, 'uploading');
  if (s.offset + length >= size) s.onProgress(s.offset, 'checking');
  try {
    return await requestSpec(
      s.options.request,
      publishing.appendChunk,
      { params: { id: s.upload.id } },
      {
        bytes,
        headers: { 'content-type': OFFSET_CONTENT_TYPE, 'upload-offset': String(s.offset) },
        // A chunk on a slow line, and the server's check of the whole file after the last one.
        timeoutMs: 120_000,
      },
    );
  } catch (error) {
    if (!(error instanceof SyncApiError)) throw error;
    return null;
  }
}

/**
 * What a chunk's answer means: the upload once the server closed it
 * (accepted or rejected), else null to send on (from the offset the server
 * has). A considered refusal (4xx) throws with the server's reason.
 */
async function afterChunk(s: Sending, answer: RawAnswer | null): Promise<Upload | null> {
  if (answer && answer.status === 200) {
    const upload = specAnswer(publishing.appendChunk, answer, 'upload a chunk');
    s.failures = 0;
    s.offset = upload.offset;
    return upload.state !== 'receiving' ? upload : null;
  }
  const code = answer ? serverErrorOf(answer)?.code : null;
  if (answer && code === 'offset_mismatch') {
    // The server has another offset (a chunk we never heard back about arrived): go on from there.
    s.offset = Number(
      answer.headers.get('upload-offset') ??
        (await serverOffset(s.options.request, s.upload.id))?.offset ??
        s.offset,
    );
    s.resumed++;
    s.onProgress(s.offset, 'resuming');
    return null;
  }
  if (answer && code === 'body_too_large' && s.chunkBytes > 64 * 1024) {
    s.chunkBytes = Math.floor(s.chunkBytes / 2);
    return null;
  }
  if (answer && answer.status < 500 && code !== 'upload_closed')
    throw errorFromAnswer(answer, 'upload a chunk');
  return retryAfterFailure(s, answer ? `the server answered ${answer.status}` : 'the connection failed');
}

/**
 * Network trouble, a lost answer, a 5xx, or closed meanwhile: after a wait
 * growing with each failure in a row, ask the server where it is. Answers the
 * upload if the server closed it meanwhile, else null to send on from its
 * offset; after `maxAttempts` failures in a row, an 'unavailable' error
 * saying that publishing again resumes.
 */
async function retryAfterFailure(s: Sending, failure: string): Promise<Upload | null> {
  const maxAttempts = s.options.maxAttempts ?? 6;
  const delay = s.options.retryDelayMs ?? 500;
  const sleep = s.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  if (++s.failures >= maxAttempts)
    throw new CallError(
      'unavailable',
      `Could not upload ${s.upload.fileName} (${failure}); publish again to resume from where it stopped.`,
    );
  await sleep(delay * s.failures);
  const now = await serverOffset(s.options.request, s.upload.id);
  if (now && now.state !== 'receiving')
    return callSpec(
      s.options.request,
      publishing.getUpload,
      { params: { id: s.upload.id } },
      'look up an upload',
    );
  if (now) s.offset = now.offset;
  s.resumed++;
  s.onProgress(s.offset, 'resuming');
  return null;
}

/** Where the server is with an upload (HEAD), after a failure; null when it cannot tell. */
async function serverOffset(
  request: Request,
  uploadId: string,
): Promise<{ offset: number; state: string } | null> {
  try {
    const answer = await requestSpec(request, publishing.uploadOffset, { params: { id: uploadId } });
    if (answer.status !== 200) return null;
    return {
      offset: Number(answer.headers.get('upload-offset')),
      state: answer.headers.get('upload-state') ?? 'receiving',
    };
  } catch {
    return null;
  }
}
