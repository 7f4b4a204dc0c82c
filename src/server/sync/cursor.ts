import { z } from 'zod';
import { ApiError } from '../http/errors';

/**
 * The sync cursor: opaque to clients (base64url of a small JSON object).
 * `p`: the listener's wallet version up to which play counts were sent;
 * `cv`/`ci`: the catalog (version, track id) up to which tracks were sent.
 */
const cursorSchema = z.object({ p: z.number().int().min(0), cv: z.number().int().min(0), ci: z.string().max(128) });
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
