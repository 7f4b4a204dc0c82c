import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { ServerContext } from '../context';
import { checkAudioFile } from './check-audio';
import { partPath, uploadRow, type UploadRow } from './views';

interface Verdict {
  state: 'accepted' | 'rejected';
  reason: string | null;
  durationMs?: number;
  mime?: string;
  audioPath?: string;
  title?: string | null;
  trackNumber?: number | null;
}

/** The whole file's SHA-256 against the declared one, then the audio check; an accepted file moves beside the media. */
async function judge(ctx: ServerContext, upload: UploadRow): Promise<Verdict> {
  const file = partPath(ctx, upload.id);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  if (sha256 !== upload.sha256) {
    return {
      state: 'rejected',
      reason: `checksum_mismatch: the file's SHA-256 is ${sha256}, not the declared ${upload.sha256}`,
    };
  }
  const audio = await checkAudioFile(file);
  if (!audio.ok) return { state: 'rejected', reason: `${audio.reason}: ${audio.message}` };
  const audioPath = `uploads/${upload.id}${audio.ext}`;
  await rename(file, join(ctx.mediaDir, audioPath));
  return {
    state: 'accepted',
    reason: null,
    durationMs: audio.durationMs,
    mime: audio.mime,
    audioPath,
    title: audio.title,
    trackNumber: audio.trackNumber,
  };
}

/** The last byte is in: check the file and accept or reject it. Runs once (guarded by state). */
export async function completeUpload(ctx: ServerContext, uploadId: string): Promise<void> {
  const upload = (await uploadRow(ctx, uploadId))!;
  const verdict = await judge(ctx, upload);
  if (verdict.state === 'rejected') await rm(partPath(ctx, uploadId), { force: true });
  await ctx.store.db
    .updateTable('uploads')
    .set({
      state: verdict.state,
      reject_reason: verdict.reason,
      duration_ms: verdict.durationMs ?? null,
      audio_mime: verdict.mime ?? null,
      audio_path: verdict.audioPath ?? null,
      // The app's title and number win; the file's tags fill the gaps.
      title: upload.title ?? verdict.title ?? basename(upload.file_name, extname(upload.file_name)),
      track_number: upload.track_number ?? verdict.trackNumber ?? null,
      updated_at: ctx.clock.nowMs(),
    })
    .where('id', '=', uploadId)
    .where('state', '=', 'receiving')
    .execute();
}
