import { parseFile } from 'music-metadata';

/**
 * The server's own look at an uploaded file before it can become a track:
 * whatever the artist's app said, the file must be audio the players can
 * play. music-metadata reads the container and stream headers; we accept
 * the containers every player build decodes and reject, with a reason,
 * what cannot be read, has no audio stream, no duration, or is cut short.
 */
export type AudioRejection =
  'unreadable' | 'unsupported_format' | 'no_audio_stream' | 'no_duration' | 'truncated';

export type AudioCheck =
  | {
      ok: true;
      durationMs: number;
      mime: string;
      ext: string;
      title: string | null;
      trackNumber: number | null;
    }
  | { ok: false; reason: AudioRejection; message: string };

/** Container (as music-metadata names it) → what we serve it as. */
function formatOf(container: string | undefined): { mime: string; ext: string } | null {
  if (!container) return null;
  if (container === 'MPEG') return { mime: 'audio/mpeg', ext: '.mp3' };
  if (container === 'FLAC') return { mime: 'audio/flac', ext: '.flac' };
  if (container === 'Ogg') return { mime: 'audio/ogg', ext: '.ogg' };
  if (container === 'WAVE') return { mime: 'audio/wav', ext: '.wav' };
  if (container === 'AIFF' || container === 'AIFF-C') return { mime: 'audio/aiff', ext: '.aiff' };
  // MPEG-4 audio: music-metadata names it by its brands, e.g. "M4A/isom/iso2".
  if (/^(M4A|mp4|isom|iso\d|mp4\d|M4B|dash)\b/i.test(container)) return { mime: 'audio/mp4', ext: '.m4a' };
  return null;
}

export async function checkAudioFile(path: string): Promise<AudioCheck> {
  let meta;
  try {
    meta = await parseFile(path, { duration: true, skipCovers: true });
  } catch (error) {
    return {
      ok: false,
      reason: 'unreadable',
      message: `not a readable audio file: ${(error as Error).message}`,
    };
  }
  const { format } = meta;
  const kind = formatOf(format.container);
  if (!kind)
    return {
      ok: false,
      reason: 'unsupported_format',
      message: `unsupported format ${format.container ?? 'unknown'}${format.codec ? ` (${format.codec})` : ''}; upload MP3, FLAC, Ogg Vorbis/Opus, WAV, AIFF or M4A`,
    };
  if (!format.numberOfChannels || !format.sampleRate)
    return {
      ok: false,
      reason: 'no_audio_stream',
      message: 'the file has no audio stream (no channels or sample rate)',
    };
  const durationMs = Math.round((format.duration ?? 0) * 1000);
  if (!(durationMs > 0))
    return { ok: false, reason: 'no_duration', message: 'the file has no playable duration' };
  // A file whose stream is cut short still parses (music-metadata clamps to
  // what is there) but says so in its warnings: a broken upload, not a track.
  const cut = meta.quality.warnings.find((w) =>
    /exceed\w* file length|truncat|unexpected end/i.test(w.message),
  );
  if (cut) return { ok: false, reason: 'truncated', message: `the file is cut short (${cut.message})` };
  return {
    ok: true,
    durationMs,
    ...kind,
    title: meta.common.title?.trim() || null,
    trackNumber: meta.common.track.no ?? null,
  };
}
