import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Db } from '../db/database';
import { CallError } from '../../../shared/contract/define';
import { djDb } from './dj-db';
import type { ListStore } from './lists';
import { readPlaylist } from './playlist-files';
import { trackLabel } from './track-rows';

/**
 * Imports an M3U, M3U8 or PLS playlist as a new crate. Entries are matched
 * to library tracks by path; entries that are not in the library are
 * reported, not added.
 */
export async function importPlaylist(
  db: Db,
  lists: ListStore,
  input: { path: string; name?: string; parentId: number | null },
): Promise<{ listId: number; matched: number; unmatched: string[] }> {
  const ext = extname(input.path).toLowerCase();
  if (!['.m3u', '.m3u8', '.pls'].includes(ext))
    throw new CallError('invalid_input', 'Playlists must be .m3u, .m3u8 or .pls files');
  const bytes = await readFile(input.path).catch(() => {
    throw new CallError('not_found', `Cannot read ${input.path}`);
  });
  const paths = readPlaylist(input.path, bytes);
  const typed = djDb(db);
  const byPath = (path: string) =>
    typed.get(
      typed.q.selectFrom('library_tracks').select(['id', 'title', 'artist']).where('path', '=', path),
    );
  const entries: { ref: { source: 'local'; id: number }; label: string }[] = [];
  const unmatched: string[] = [];
  for (const path of paths) {
    const row = byPath(path);
    if (row) entries.push({ ref: { source: 'local', id: row.id }, label: trackLabel(row) });
    else unmatched.push(path);
  }
  const name = input.name ?? basename(input.path, extname(input.path));
  const listId = lists.create({ kind: 'crate', name, parentId: input.parentId });
  const { added } = entries.length ? lists.addItems(listId, entries, null) : { added: 0 };
  return { listId, matched: added, unmatched };
}
