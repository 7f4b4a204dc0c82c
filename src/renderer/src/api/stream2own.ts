import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { z } from 'zod';
import type { playerCalls, playerEvents } from '../../../shared/contract/player';
import type { walletCalls, walletEvents } from '../../../shared/contract/wallet';
import { hostApi } from '../host/host-api';
import { ApiError } from './client';

/**
 * Typed access to the player and wallet domains of the contract, by their own
 * schema files. Works whether or not a host has these handlers yet: a host
 * without them answers `unknown_call`, and the UI hides what needs them.
 */
type Calls = typeof playerCalls & typeof walletCalls;
type Events = typeof playerEvents & typeof walletEvents;
export type S2OCall = keyof Calls & string;
export type S2OEvent = keyof Events & string;
export type S2OInput<N extends S2OCall> = z.input<Calls[N]['input']>;
export type S2OOutput<N extends S2OCall> = z.output<Calls[N]['output']>;
export type S2OPayload<N extends S2OEvent> = z.output<Events[N]['payload']>;

export async function s2oCall<N extends S2OCall>(name: N, input: S2OInput<N>): Promise<S2OOutput<N>> {
  const result = await hostApi.invoke(name, input);
  if (!result.ok) throw new ApiError(result.error);
  return result.value as S2OOutput<N>;
}

export function onS2OEvent<N extends S2OEvent>(name: N, listener: (payload: S2OPayload<N>) => void): () => void {
  return hostApi.on(name, listener as (payload: unknown) => void);
}

export function useS2OCall<N extends S2OCall>(name: N, input: S2OInput<N>, options: { enabled?: boolean } = {}) {
  return useQuery<S2OOutput<N>>({
    queryKey: [name, input],
    queryFn: () => s2oCall(name, input),
    retry: (count, error) => !(error instanceof ApiError && error.code === 'unknown_call') && count < 1,
    ...options,
  });
}

export function useS2OEvent<N extends S2OEvent>(name: N, listener: (payload: S2OPayload<N>) => void): void {
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => onS2OEvent(name, (payload) => latest.current(payload)), [name]);
}

/** Whether this host runs the stream-to-own services (the wallet answers). */
export function useStream2OwnAvailable(): boolean {
  const wallet = useS2OCall('wallet.get', {});
  return wallet.isSuccess;
}
