import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../../shared/contract';
import { hostApi } from '../host/host-api';
import { ApiError } from './api-error';

export { ApiError } from './api-error';

/** Typed calls and events, straight from the contract. */
export const api = {
  async call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
    const result = await hostApi.invoke(name, input);
    if (!result.ok) throw new ApiError(result.error);
    return result.value as CallOutput<N>;
  },
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void {
    return hostApi.on(name, listener as (payload: unknown) => void);
  },
  host: hostApi.host,
};
