/**
 * Maps media paths (`track/local/12`, `cover/local/12/256`) to files on
 * disk. The renderer only ever names things by library id; it never passes
 * a file path, so neither host can be made to serve an arbitrary file.
 * Each domain registers a resolver for its first path segment.
 */
export interface MediaFile {
  file: string;
  contentType: string;
}

export type MediaResolver = (segments: string[]) => MediaFile | null | Promise<MediaFile | null>;

export interface MediaRouter {
  register(kind: string, resolver: MediaResolver): void;
  resolve(mediaPath: string): Promise<MediaFile | null>;
}

const SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;

export function createMediaRouter(): MediaRouter {
  const resolvers = new Map<string, MediaResolver>();
  return {
    register(kind, resolver) {
      if (resolvers.has(kind)) throw new Error(`media kind registered twice: ${kind}`);
      resolvers.set(kind, resolver);
    },
    async resolve(mediaPath) {
      const segments = mediaPath.split('/').filter((s) => s.length > 0);
      if (segments.length < 2 || segments.length > 6 || !segments.every((s) => SEGMENT.test(s))) return null;
      const resolver = resolvers.get(segments[0]!);
      return resolver ? resolver(segments.slice(1)) : null;
    },
  };
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
