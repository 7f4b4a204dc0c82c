import type { z } from 'zod';
import type { CallResult, CallSpec, EventSpec } from './define';
import { appCalls, appEvents } from './app';
import { libraryAnalysisCalls, libraryCalls, libraryEvents } from './library';
import { releaseCalls, releaseEvents } from './release';
import { djCalls, djEvents } from './dj';
import { playerCalls, playerEvents } from './player';
import { walletCalls, walletEvents } from './wallet';
import { syncCalls, syncEvents } from './sync';
import { artistCalls, artistEvents } from './artist';
import { tlogCalls, tlogEvents } from './tlog';
import { coopNodeCalls, coopNodeEvents } from './coop-node';
import { playerSessionCalls } from './player-session';

export * from './define';

/**
 * The one contract between the renderer and the main process. Each domain
 * keeps its calls and events in its own file; this is the only place that
 * joins them. Call names are `domain.verb`.
 */
export const contractCalls = {
  ...appCalls,
  ...libraryCalls,
  ...libraryAnalysisCalls,
  ...releaseCalls,
  ...djCalls,
  ...playerCalls,
  ...playerSessionCalls,
  ...walletCalls,
  ...syncCalls,
  ...artistCalls,
  ...coopNodeCalls,
  ...tlogCalls,
} as const;

export const contractEvents = {
  ...appEvents,
  ...libraryEvents,
  ...releaseEvents,
  ...djEvents,
  ...playerEvents,
  ...walletEvents,
  ...syncEvents,
  ...artistEvents,
  ...coopNodeEvents,
  ...tlogEvents,
} as const;

export type ContractCalls = typeof contractCalls;
export type ContractEvents = typeof contractEvents;
export type CallName = keyof ContractCalls & string;
export type EventName = keyof ContractEvents & string;

export type CallInput<N extends CallName> =
  ContractCalls[N] extends CallSpec<infer I, z.ZodType> ? z.input<I> : never;
export type CallOutput<N extends CallName> =
  ContractCalls[N] extends CallSpec<z.ZodType, infer O> ? z.output<O> : never;
/** What a handler receives: the input after parsing (defaults applied). */
export type ParsedCallInput<N extends CallName> =
  ContractCalls[N] extends CallSpec<infer I, z.ZodType> ? z.output<I> : never;
export type EventPayload<N extends EventName> =
  ContractEvents[N] extends EventSpec<infer P> ? z.output<P> : never;

export const callNames = Object.keys(contractCalls) as CallName[];
export const eventNames = Object.keys(contractEvents) as EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(contractCalls, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(contractEvents, name);
}

/**
 * The API the renderer sees as `window.resonate`, whichever host provides it
 * (Electron's preload or the web host's browser bridge).
 */
export interface HostApi {
  readonly host: 'electron' | 'web';
  invoke(name: string, input: unknown): Promise<CallResult<unknown>>;
  on(name: string, listener: (payload: unknown) => void): () => void;
}
