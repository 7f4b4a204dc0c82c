import type { Db } from '../../db/database';
import { typedDb, type TypedDb } from '../../db/typed-query';
import type { LibraryTables } from '../tables';

/**
 * Remembers the scan in progress in the database, so a scan cut short by a
 * crash or a quit is found at the next start and resumed.
 */
export class ScanStateStore {
  private readonly db: TypedDb<LibraryTables>;

  constructor(db: Db) {
    this.db = typedDb<LibraryTables>(db);
  }

  begin(folderIds: number[], now: number): void {
    const { q } = this.db;
    this.db.run(
      q
        .insertInto('library_scan_state')
        .values({ id: 1, status: 'running', folder_ids: JSON.stringify(folderIds), started_at: now })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            status: 'running',
            folder_ids: eb.ref('excluded.folder_ids'),
            started_at: eb.ref('excluded.started_at'),
            finished_at: null,
            files_done: 0,
          })),
        ),
    );
  }

  finish(status: 'done' | 'cancelled' | 'failed', now: number): void {
    this.db.run(
      this.db.q.updateTable('library_scan_state').set({ status, finished_at: now }).where('id', '=', 1),
    );
  }

  /** The folders of a scan that never finished, if any. */
  interrupted(): { folderIds: number[] } | null {
    const row = this.db.get(
      this.db.q
        .selectFrom('library_scan_state')
        .select('folder_ids')
        .where('id', '=', 1)
        .where('status', '=', 'running'),
    );
    if (!row) return null;
    try {
      const ids = JSON.parse(row.folder_ids) as unknown;
      return Array.isArray(ids) ? { folderIds: ids.filter((n): n is number => Number.isInteger(n)) } : null;
    } catch {
      return null;
    }
  }
}
