import {
  MutationObserver,
  QueryClient,
  keepPreviousData,
  useQuery,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../../shared/contract';
import type { AccountStatus } from '../../../shared/contract/sync';
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

/** Who a call's answer is for: the signed-in user on its server, as the account status says. */
type AccountIdentity = Pick<AccountStatus, 'userId' | 'serverUrl' | 'bundledServer'>;

/**
 * The query key of a call whose answer belongs to the signed-in account: the call name and its
 * input (so invalidations and `setQueriesData([name])` still find it), then who is signed in where.
 */
export function accountCallKey<N extends CallName>(
  name: N,
  input: CallInput<N>,
  account: AccountIdentity | undefined,
) {
  return [name, input, account?.userId ?? null, account?.serverUrl ?? null, account?.bundledServer ?? null];
}

/**
 * A cached call whose answer is the signed-in account's on its server (what this account may do on
 * a node): keyed by who is signed in where, so another account never sees this one's answer even
 * before any reset, and not asked until the account status is known.
 */
export function useAccountCall<N extends CallName>(name: N, input: CallInput<N>) {
  const account = useCall('account.status', {}).data;
  return useQuery<CallOutput<N>>({
    queryKey: accountCallKey(name, input, account),
    queryFn: () => api.call(name, input),
    enabled: account !== undefined,
  });
}

export interface MutationOptions {
  /**
   * Stay pending until the stale reads have their new answers (not only marked stale), so a view
   * showing the change (a download's badge, a pin) never flicks back to the old answer meanwhile.
   */
  awaitRefetch?: boolean;
}

/**
 * A contract call that changes something; when it succeeds it invalidates the
 * reads declared for it in `callEffects` (api/invalidations.ts), the one place
 * they are listed. Its `isPending` and `error` are the caller's busy and error state.
 */
export function useCallMutation<N extends CallName>(name: N, options: MutationOptions = {}) {
  const client = useQueryClient();
  return useMutation<CallOutput<N>, Error, CallInput<N>>({
    mutationFn: (input) => api.call(name, input),
    onSuccess: async () => {
      const refetched = refetchAfter(client, name);
      if (options.awaitRefetch) await refetched;
    },
  });
}

/**
 * The same mutation outside a component (a drop handler, a menu action): through the app's
 * mutation cache, so it shows in `useIsMutating` and invalidates as declared.
 */
export function callMutation<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
  return new MutationObserver<CallOutput<N>, Error, CallInput<N>>(queryClient, {
    mutationFn: (variables) => api.call(name, variables),
    onSuccess: () => invalidateAfter(queryClient, name),
  }).mutate(input);
}

/** A read outside a hook's render (an answer needed now, in an event handler), through the cache. */
export function fetchCall<N extends CallName>(
  client: QueryClient,
  name: N,
  input: CallInput<N>,
): Promise<CallOutput<N>> {
  return client.fetchQuery({ queryKey: [name, input], queryFn: () => api.call(name, input), staleTime: 0 });
}

/** Marks stale what a successful `name` changed (for code that calls `api.call` outside a hook). */
export function invalidateAfter(client: QueryClient, name: CallName): void {
  void refetchAfter(client, name);
}

/** The same, resolving once the active reads have their new answers. */
export async function refetchAfter(client: QueryClient, name: CallName): Promise<void> {
  await Promise.all(invalidatedBy(name).map((key) => client.invalidateQueries({ queryKey: [key] })));
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
