import { z } from 'zod';
import { ApiError } from '../http/errors';

/**
 * The sync cursor: opaque to clients (base64url of a small JSON object).
 * `p`: the listener's wallet version up to which play counts were sent;
 * `cv`/`ci`: the catalog (version, track id) up to which tracks were sent.
 */
const counter = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
// ci is a track id (or '' at the start): the same characters, so no NUL or other text PostgreSQL refuses reaches a query.
const cursorSchema = z.object({ p: counter, cv: counter, ci: z.string().regex(/^[A-Za-z0-9_-]{0,128}$/) });
export type SyncCursor = z.infer<typeof cursorSchema>;
export const START_CURSOR: SyncCursor = { p: 0, cv: 0, ci: '' };

export function encodeCursor(cursor: SyncCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string | undefined): SyncCursor {
  if (!text) return START_CURSOR;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new ApiError(400, 'invalid_cursor', 'the sync cursor is not one this server gave out');
  }
}
