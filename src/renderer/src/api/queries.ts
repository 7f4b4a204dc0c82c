import { QueryClient, keepPreviousData, useQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../../shared/contract';
import { api, ApiError } from './client';

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

/** A contract call that changes something; invalidates the named queries when it succeeds. */
export function useCallMutation<N extends CallName>(name: N, invalidates: CallName[] = []) {
  const client = useQueryClient();
  return useMutation<CallOutput<N>, Error, CallInput<N>>({
    mutationFn: (input) => api.call(name, input),
    onSuccess: () => {
      for (const key of invalidates) void client.invalidateQueries({ queryKey: [key] });
    },
  });
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
