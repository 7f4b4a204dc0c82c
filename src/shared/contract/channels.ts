import type { CallName, EventName } from './index';

/** Electron IPC channel names, derived from contract names (never written by hand). */
export const callChannel = (name: CallName): string => `resonate:call:${name}`;
export const eventChannel = (name: EventName): string => `resonate:event:${name}`;
