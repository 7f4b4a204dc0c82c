import { CallError } from '../../../shared/contract/define';
import type { libraryCalls } from '../../../shared/contract/library';
import type { CallHandlers } from '../core/dispatcher';
import type { MediaRouter } from '../media/media-router';
import { LibraryService, type LibraryDeps } from './library-service';

export type LibraryCallName = keyof typeof libraryCalls;
export type LibraryHandlers = Pick<CallHandlers, LibraryCallName>;

export interface LibraryDomainDeps extends LibraryDeps {
  /** When given, `cover/local/<trackId>[/<size>]` is served from here. */
  media?: MediaRouter;
}

/**
 * The library domain as the app wires it: the service, the handlers for
 * its contract calls, and the `cover` media kind. `track/local/<id>` is
 * served by the playback domain's `track` resolver through `fileForTrack`.
 */
export function createLibraryDomain(deps: LibraryDomainDeps) {
  const service = new LibraryService(deps);
  const q = service.queries;
  const found = <T>(value: T | null, what: string): T => {
    if (value === null) throw new CallError('not_found', `No such ${what}.`);
    return value;
  };

  const handlers: LibraryHandlers = {
    'library.folders': () => q.folders(),
    'library.addFolder': ({ path }) => service.addFolder(path),
    'library.removeFolder': ({ path }) => service.removeFolder(path),
    'library.scan': ({ folderIds }) => service.startScan(folderIds),
    'library.cancelScan': () => service.cancelScan(),
    'library.scanStatus': () => service.scanStatus(),
    'library.watchState': () => service.watchState(),
    'library.tracks': (query) => q.tracks(query),
    'library.search': ({ query, limit }) => q.search(query, limit),
    'library.track': ({ id }) => found(q.track(id), 'track'),
    'library.albums': ({ offset, limit }) => q.albums(offset, limit),
    'library.album': ({ id }) => found(q.album(id), 'album'),
    'library.artists': ({ offset, limit }) => q.artists(offset, limit),
    'library.artist': ({ id }) => found(q.artist(id), 'artist'),
    'library.problems': ({ offset, limit }) => q.problems(offset, limit),
    'library.relocate': ({ id, path }) => service.relocate(id, path),
  };

  deps.media?.register('cover', (segments) => {
    const [source, id] = segments;
    if (source !== 'local' || !id || !/^\d{1,15}$/.test(id)) return null;
    return service.cover(Number(id));
  });

  service.start();

  return {
    handlers,
    service,
    /** For the playback domain's `track` media resolver (`track/local/<id>`). */
    fileForTrack: (trackId: number) => service.fileForTrack(trackId),
    getPlayableFile: (trackId: number) => service.getPlayableFile(trackId),
    recordLocalPlay: (trackId: number, atMs: number) => service.recordLocalPlay(trackId, atMs),
    close: () => service.close(),
  };
}

export type LibraryDomain = ReturnType<typeof createLibraryDomain>;
