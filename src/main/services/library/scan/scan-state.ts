import type { Db } from '../../db/database';

/**
 * Remembers the scan in progress in the database, so a scan cut short by a
 * crash or a quit is found at the next start and resumed.
 */
export class ScanStateStore {
  constructor(private readonly db: Db) {}

  begin(folderIds: number[], now: number): void {
    this.db
      .prepare(
        `INSERT INTO library_scan_state (id, status, folder_ids, started_at) VALUES (1, 'running', ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = 'running', folder_ids = excluded.folder_ids,
           started_at = excluded.started_at, finished_at = NULL, files_done = 0`,
      )
      .run(JSON.stringify(folderIds), now);
  }

  finish(status: 'done' | 'cancelled' | 'failed', now: number): void {
    this.db
      .prepare('UPDATE library_scan_state SET status = ?, finished_at = ? WHERE id = 1')
      .run(status, now);
  }

  /** The folders of a scan that never finished, if any. */
  interrupted(): { folderIds: number[] } | null {
    const row = this.db
      .prepare("SELECT folder_ids FROM library_scan_state WHERE id = 1 AND status = 'running'")
      .get() as { folder_ids: string } | undefined;
    if (!row) return null;
    try {
      const ids = JSON.parse(row.folder_ids) as unknown;
      return Array.isArray(ids) ? { folderIds: ids.filter((n): n is number => Number.isInteger(n)) } : null;
    } catch {
      return null;
    }
  }
}
