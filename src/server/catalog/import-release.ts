import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseFile } from 'music-metadata';
import { v7 as uuidv7 } from 'uuid';
import type { ServerContext } from '../context';
import { createRelease, findOrCreateArtist, type NewTrack } from './store';

const AUDIO_TYPES: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.wav': 'audio/wav',
};

/**
 * The admin command `import-release <folder> --artist <name>`: every audio
 * file of the folder becomes a track of one release (tags via music-metadata;
 * the album tag, else the folder name, is the release title). Files are
 * copied into the server's media folder under the track's id. A file whose
 * tags can't be read is skipped and reported, never fatal for the others.
 */
export async function importRelease(
  ctx: ServerContext,
  folder: string,
  options: { artist: string; status?: 'paid' | 'free'; title?: string },
): Promise<{
  artistId: string;
  releaseId: string;
  tracks: Array<{ id: string; title: string; durationMs: number }>;
  skipped: Array<{ file: string; reason: string }>;
}> {
  const files = (await readdir(folder, { withFileTypes: true }))
    .filter((e) => e.isFile() && AUDIO_TYPES[extname(e.name).toLowerCase()])
    .map((e) => e.name)
    .sort();
  const skipped: Array<{ file: string; reason: string }> = [];
  const tracks: Array<NewTrack & { id: string; file: string }> = [];
  let album: string | undefined;
  for (const [i, file] of files.entries()) {
    try {
      const meta = await parseFile(join(folder, file), { duration: true });
      const durationMs = Math.round((meta.format.duration ?? 0) * 1000);
      if (durationMs <= 0) throw new Error('no duration');
      album ??= meta.common.album;
      const id = uuidv7();
      const ext = extname(file).toLowerCase();
      tracks.push({
        id,
        file,
        title: meta.common.title?.trim() || basename(file, extname(file)),
        trackNumber: meta.common.track.no ?? i + 1,
        durationMs,
        status: options.status ?? 'paid',
        audioPath: `${id}${ext}`,
        audioMime: AUDIO_TYPES[ext]!,
      });
    } catch (error) {
      skipped.push({ file, reason: (error as Error).message });
    }
  }
  if (!tracks.length) throw new Error(`no readable audio files in ${folder}`);
  await mkdir(ctx.mediaDir, { recursive: true });
  for (const t of tracks) await copyFile(join(folder, t.file), join(ctx.mediaDir, t.audioPath!));
  const title = options.title ?? album ?? basename(folder);
  const { artistId, releaseId } = await ctx.store.db.transaction().execute(async (tx) => {
    const artistId = await findOrCreateArtist(ctx, tx, options.artist);
    const { releaseId } = await createRelease(ctx, tx, artistId, title, tracks);
    return { artistId, releaseId };
  });
  return {
    artistId,
    releaseId,
    tracks: tracks.map((t) => ({ id: t.id, title: t.title, durationMs: t.durationMs })),
    skipped,
  };
}
