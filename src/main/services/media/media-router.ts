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
