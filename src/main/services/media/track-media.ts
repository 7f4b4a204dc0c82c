import { contentTypeFor, type MediaFile, type MediaResolver, type RemoteMedia } from './media-router';

/**
 * The one resolver for the `track` media kind, dispatching on the second
 * segment, so the library and stream to own share the kind without either
 * registering it twice:
 *
 * - `track/local/<libraryId>`: a file of the user's library;
 * - `track/coop/<trackId>/<sessionId>`: a co-op track, served only while that
 *   play session is live (not after its preview ended, not after a newer
 *   session replaced it), so the audio element cannot simply keep loading a
 *   track whose play was not paid for. The downloaded file when there is one,
 *   else the server's audio streamed with the account's token (remote).
 */
export interface TrackMediaLookups {
  /** The file of a library track, or null. */
  localFile(trackId: number): string | null;
  /** The file of a co-op track for a live session of it (with its byte cap, if any), or null. */
  coopFile(trackId: string, sessionId: string): string | MediaFile | null;
  /** The remote audio of a co-op track for a live session of it (not downloaded), or null. */
  coopRemote?(trackId: string, sessionId: string): RemoteMedia | null | Promise<RemoteMedia | null>;
}

export function createTrackMediaResolver(lookups: TrackMediaLookups): MediaResolver {
  return (segments) => {
    const [source, id, session, ...rest] = segments;
    if (!id || rest.length > 0) return null;
    let file: string | null = null;
    if (source === 'local') {
      if (session !== undefined || !/^\d{1,15}$/.test(id)) return null;
      file = lookups.localFile(Number(id));
    } else if (source === 'coop') {
      if (!session) return null;
      const coop = lookups.coopFile(id, session);
      if (coop !== null && typeof coop === 'object') return coop;
      file = coop;
      if (!file) return lookups.coopRemote ? lookups.coopRemote(id, session) : null;
    }
    return file ? ({ file, contentType: contentTypeFor(file) } satisfies MediaFile) : null;
  };
}

export function localTrackMediaPath(trackId: number): string {
  return `track/local/${trackId}`;
}

export function coopTrackMediaPath(trackId: string, sessionId: string): string {
  return `track/coop/${trackId}/${sessionId}`;
}
