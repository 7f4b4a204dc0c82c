import type { EventName, EventPayload } from '../../../shared/contract';
import { contractEvents } from '../../../shared/contract';

type Listener = (name: EventName, payload: unknown) => void;

/**
 * Events the main process pushes to every renderer. Payloads are checked
 * against the contract before they leave, so a renderer can trust them.
 */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    const checked = contractEvents[name].payload.parse(payload);
    for (const listener of this.listeners) listener(name, checked);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
