/**
 * Maps media paths (`track/local/12`, `cover/local/12/256`) to what to
 * serve: a file on disk, or a remote source (a co-op track streamed from the
 * server, `RemoteMedia`). The renderer only ever names things by library id;
 * it never passes a file path or a URL, so neither host can be made to serve
 * an arbitrary file or fetch an arbitrary address.
 * Each domain registers a resolver for its first path segment.
 */
export interface MediaFile {
  kind?: 'file';
  file: string;
  contentType: string;
  /** Only the first this many bytes may be served (an uncounted preview); see `rangeWithinLimit`. */
  limitBytes?: number;
}

/**
 * Served by forwarding the request (with its Range) to `url` with `headers`
 * added, in the main process (`src/node/remote-range.ts`): the headers (the
 * session token) never reach the renderer.
 */
export interface RemoteMedia {
  kind: 'remote';
  url: string;
  headers: Record<string, string>;
  /** When upstream names none. */
  contentType: string;
  /** Only the first this many bytes may be served (an uncounted preview); see `rangeWithinLimit`. */
  limitBytes?: number;
}

export type MediaSource = MediaFile | RemoteMedia;

export type MediaResolver = (segments: string[]) => MediaSource | null | Promise<MediaSource | null>;

export interface MediaRouter {
  register(kind: string, resolver: MediaResolver): void;
  /** What to serve for a media path: a file or a remote source (the hosts use this). */
  resolveSource(mediaPath: string): Promise<MediaSource | null>;
  /** The file for a media path, or null (also when it resolves to a remote source). */
  resolve(mediaPath: string): Promise<MediaFile | null>;
}

export function isRemoteMedia(media: MediaSource): media is RemoteMedia {
  return media.kind === 'remote';
}

const SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;

/** `rangeWithinLimit`'s answer for a request beyond the cap: the hosts answer 416 with no body. */
export const RANGE_REFUSED = 'refused';

const SINGLE_RANGE = /^bytes=(\d{1,15})?-(\d{1,15})?$/;

/**
 * The Range header to serve a media request with, for both hosts. Without a
 * cap it is the request's own. With `limitBytes` (a co-op session that has
 * not counted while the wallet cannot pay for it) the answer never reaches
 * past the cap: no Range or an open or long one is cut to end at the cap
 * (a 206 the audio element reads as usual), and a range that starts at or
 * beyond it — or asks for the file's tail — is refused.
 */
export function rangeWithinLimit(
  media: MediaSource,
  rangeHeader: string | null | undefined,
): string | null | typeof RANGE_REFUSED {
  const limit = media.limitBytes;
  if (limit === undefined) return rangeHeader ?? null;
  if (!Number.isSafeInteger(limit) || limit <= 0) return RANGE_REFUSED;
  const m = rangeHeader ? SINGLE_RANGE.exec(rangeHeader.trim()) : null;
  if (!m || (m[1] === undefined && m[2] === undefined)) return `bytes=0-${limit - 1}`;
  if (m[1] === undefined) return RANGE_REFUSED; // bytes=-n: the tail
  const start = Number(m[1]);
  if (start >= limit) return RANGE_REFUSED;
  const end = m[2] === undefined ? limit - 1 : Math.min(Number(m[2]), limit - 1);
  if (end < start) return RANGE_REFUSED;
  return `bytes=${start}-${end}`;
}

export function createMediaRouter(): MediaRouter {
  const resolvers = new Map<string, MediaResolver>();
  return {
    register(kind, resolver) {
      if (resolvers.has(kind)) throw new Error(`media kind registered twice: ${kind}`);
      resolvers.set(kind, resolver);
    },
    resolveSource,
    async resolve(mediaPath) {
      const media = await resolveSource(mediaPath);
      return media && !isRemoteMedia(media) ? media : null;
    },
  };

  async function resolveSource(mediaPath: string): Promise<MediaSource | null> {
    const segments = mediaPath.split('/').filter((s) => s.length > 0);
    if (segments.length < 2 || segments.length > 6 || !segments.every((s) => SEGMENT.test(s))) return null;
    const resolver = resolvers.get(segments[0]!);
    return resolver ? resolver(segments.slice(1)) : null;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  m4a: 'audio/mp4',
  mp4: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  aif: 'audio/aiff',
  aiff: 'audio/aiff',
  webm: 'audio/webm',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

export function contentTypeFor(file: string): string {
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}
