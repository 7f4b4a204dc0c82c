import type { z } from 'zod';
import {
  CallError,
  contractCalls,
  describeIssues,
  isCallName,
  issuesFromZod,
  type CallName,
  type CallOutput,
  type CallResult,
  type ParsedCallInput,
} from '../../../shared/contract';
import type { Logger } from './logger';

export type CallHandler<N extends CallName> = (
  input: ParsedCallInput<N>,
) => CallOutput<N> | Promise<CallOutput<N>>;

export type CallHandlers = { [N in CallName]: CallHandler<N> };

/**
 * The one entry point for calls from any renderer, whichever host carries
 * them: it validates the name and the input against the contract, runs the
 * handler, and checks the answer against the contract too, so a bug in a
 * service surfaces as an `internal` error instead of a malformed answer.
 * Invalid input never reaches a handler, so it changes nothing.
 */
export function createDispatcher(handlers: CallHandlers, logger: Logger) {
  return async function dispatch(name: unknown, rawInput: unknown): Promise<CallResult<unknown>> {
    if (!isCallName(name)) {
      const shown = typeof name === 'string' ? name.slice(0, 100) : `(${typeof name})`;
      logger.warn({ name: shown }, 'rejected unknown call');
      return { ok: false, error: { code: 'unknown_call', message: `No such call: ${shown}` } };
    }
    const spec = contractCalls[name];
    const parsed = (spec.input as z.ZodType).safeParse(rawInput === undefined ? {} : rawInput);
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error);
      logger.warn({ call: name, issues }, 'rejected invalid input');
      return {
        ok: false,
        error: {
          code: 'invalid_input',
          message: `Invalid input for ${name}: ${describeIssues(issues)}`,
          issues,
        },
      };
    }
    try {
      const handler = handlers[name] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      const checked = (spec.output as z.ZodType).safeParse(value);
      if (!checked.success) {
        logger.error(
          { call: name, issues: issuesFromZod(checked.error) },
          'handler answered outside the contract',
        );
        return { ok: false, error: { code: 'internal', message: `${name} produced an invalid answer` } };
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      if (error instanceof CallError) return { ok: false, error: error.toShape() };
      logger.error({ call: name, err: error }, 'call failed');
      return { ok: false, error: { code: 'internal', message: `${name} failed; see the log for details` } };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
