import { QueryClient, useQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../../shared/contract';
import { api } from './client';

export const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: false } },
});

/** A cached contract call; the query key is the call name and its input. */
export function useCall<N extends CallName>(name: N, input: CallInput<N>, options: { enabled?: boolean } = {}) {
  return useQuery<CallOutput<N>>({
    queryKey: [name, input],
    queryFn: () => api.call(name, input),
    ...options,
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

/** Subscribes to a pushed event for the life of a component. */
export function useEvent<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): void {
  useEffect(() => api.on(name, listener), [name, listener]);
}
