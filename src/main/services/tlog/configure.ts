import { CallError } from '../../../shared/contract/define';
import { parseVkey } from '../../../shared/tlog';
import { emitStatus } from './status';
import type { TlogParts } from './tlog-parts';

export interface TlogSettings {
  logKey?: string | null;
  witnesses?: string[];
  requiredWitnesses?: number;
}

/** `vkey` if it is a signed-note key of `type` (1: an Ed25519 log key, 4: a witness key); else an invalid_input error naming `what`. */
function keyOfType(vkey: string, type: number, what: string): string {
  try {
    if (parseVkey(vkey).type === type) return vkey;
  } catch (error) {
    throw new CallError('invalid_input', `The ${what} is not a signed-note key: ${(error as Error).message}`);
  }
  throw new CallError(
    'invalid_input',
    `The ${what} is not an Ed25519 ${type === 1 ? 'log' : 'witness'} key.`,
  );
}

/** `tlog.configure`: the log key and witnesses the user trusts; nothing is kept unless all of it is valid. */
export function configure(p: TlogParts, input: TlogSettings): void {
  const config = p.store.config();
  if (input.logKey !== undefined)
    config.logVkey = input.logKey === null ? null : keyOfType(input.logKey, 1, 'log key');
  if (input.witnesses !== undefined)
    config.witnesses = input.witnesses.map((w) => keyOfType(w, 4, 'witness key'));
  if (input.requiredWitnesses !== undefined) config.requiredWitnesses = input.requiredWitnesses;
  if (config.requiredWitnesses > config.witnesses.length)
    throw new CallError(
      'invalid_input',
      `${config.requiredWitnesses} cosignatures are required but ${config.witnesses.length} witness keys are known.`,
    );
  p.store.setConfig(config);
  emitStatus(p);
}
