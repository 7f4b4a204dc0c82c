import { z } from 'zod';

/**
 * The web host's WebSocket messages. The renderer sends calls; the host
 * answers each by id and pushes events. The call envelope is the same one
 * Electron's IPC carries.
 */
export const clientMessageSchema = z.object({
  id: z.number().int().nonnegative(),
  call: z.string().max(100),
  input: z.unknown(),
});
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage = { id: number; result: unknown } | { event: string; payload: unknown };

/** Largest message a renderer may send; calls carry small inputs. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
