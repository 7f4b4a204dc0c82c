import { QueryClient, keepPreviousData, useQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../../shared/contract';
import { api, ApiError } from './client';
import { invalidatedBy } from './invalidations';

export const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 5_000, retry: retryOnce, refetchOnWindowFocus: false } },
});

/** Retry a failed read once, but not a call this host does not have (the UI hides what needs it). */
function retryOnce(failures: number, error: Error): boolean {
  return !(error instanceof ApiError && error.code === 'unknown_call') && failures < 1;
}

export interface CallOptions {
  enabled?: boolean;
  staleTime?: number;
  /** Keep showing the previous answer while a new input loads (search as you type, paging). */
  keepPrevious?: boolean;
}

/** A cached contract call; the query key is the call name and its input. */
export function useCall<N extends CallName>(name: N, input: CallInput<N>, options: CallOptions = {}) {
  const { keepPrevious, ...rest } = options;
  return useQuery<CallOutput<N>>({
    queryKey: [name, input],
    queryFn: () => api.call(name, input),
    ...rest,
    placeholderData: keepPrevious ? keepPreviousData : undefined,
  });
}

/**
 * A contract call that changes something; when it succeeds it invalidates the
 * reads declared for it in `callEffects` (api/invalidations.ts), the one place
 * they are listed.
 */
export function useCallMutation<N extends CallName>(name: N) {
  const client = useQueryClient();
  return useMutation<CallOutput<N>, Error, CallInput<N>>({
    mutationFn: (input) => api.call(name, input),
    onSuccess: () => invalidateAfter(client, name),
  });
}

/** Marks stale what a successful `name` changed (for code that calls `api.call` outside a hook). */
export function invalidateAfter(client: QueryClient, name: CallName): void {
  for (const key of invalidatedBy(name)) void client.invalidateQueries({ queryKey: [key] });
}

/**
 * Subscribes to a pushed event for the life of a component. The listener may
 * change on every render; the subscription stays.
 */
export function useEvent<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): void {
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => api.on(name, (payload) => latest.current(payload)), [name]);
}

/** Whether this host runs the stream-to-own services (the wallet answers). */
export function useStream2OwnAvailable(): boolean {
  return useCall('wallet.get', {}).isSuccess;
}
