import type { z } from 'zod';
import type { PublishProgress } from '../../../shared/contract/artist';
import type { ReleaseDraft } from '../../../shared/contract/release';
import type { uploadViewSchema } from '../../../shared/server-api';
import type { Request } from './server-answer';

/** What the publisher's stages share (publisher.ts runs them; see its comment for the whole). */

export type Upload = z.infer<typeof uploadViewSchema>;

export interface PublishRequest {
  draft: ReleaseDraft;
  /** The file behind a draft position. */
  fileOf(position: number): string | null;
  artistId: string;
  title: string;
  tracks: { position: number; status: 'paid' | 'free' }[];
}

/** One draft's track to publish, as asked. */
export type TrackChoice = PublishRequest['tracks'][number];

/** What was made on the server for one draft: its release, and each position's upload. */
export interface Job {
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

/** A progress event: what is not given is empty (no file, nothing sent, no message). */
export type ProgressUpdate = Partial<PublishProgress> & Pick<PublishProgress, 'draftId' | 'phase'>;
export type Emit = (p: ProgressUpdate) => void;

/** `progress` told every update with the empty fields filled. */
export function emitterOf(progress: (p: PublishProgress) => void): Emit {
  return (p) =>
    progress({
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
