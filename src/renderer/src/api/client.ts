import type {
  CallErrorShape,
  CallInput,
  CallIssue,
  CallName,
  CallOutput,
  EventName,
  EventPayload,
} from '../../../shared/contract';
import { hostApi } from '../host/host-api';

/** A call that the main process answered with an error; `issues` names bad fields. */
export class ApiError extends Error {
  readonly code: CallErrorShape['code'];
  readonly issues: CallIssue[];
  constructor(shape: CallErrorShape) {
    super(shape.message);
    this.name = 'ApiError';
    this.code = shape.code;
    this.issues = shape.issues ?? [];
  }
}

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
