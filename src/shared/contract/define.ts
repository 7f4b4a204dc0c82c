import { z } from 'zod';

/**
 * The building blocks of the app's call contract. A *call* is a request the
 * renderer makes and the main process answers; an *event* is something the
 * main process pushes. Both are described by zod schemas, and everything else
 * (TypeScript types, runtime validation, the preload API, the web host's
 * protocol) is derived from these descriptions, so no channel name is ever
 * written twice.
 */
export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: 'call';
  readonly input: I;
  readonly output: O;
  readonly summary: string;
}

export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly payload: P;
  readonly summary: string;
}

export function call<I extends z.ZodType, O extends z.ZodType>(
  summary: string,
  input: I,
  output: O,
): CallSpec<I, O> {
  return { kind: 'call', input, output, summary };
}

export function event<P extends z.ZodType>(summary: string, payload: P): EventSpec<P> {
  return { kind: 'event', payload, summary };
}

/** Every call answers with this envelope, so errors survive IPC and WebSocket alike. */
export const callErrorCode = z.enum([
  'invalid_input', // the input failed the call's schema; `issues` names the fields
  'unknown_call', // no such call in the contract
  'not_found', // the thing named does not exist
  'conflict', // the request contradicts the current state
  'unavailable', // a dependency (disk, server, device) is not available now
  'forbidden', // the caller may not do this
  'internal', // a bug: logged with details in the main process
]);
export type CallErrorCode = z.infer<typeof callErrorCode>;

export const callIssue = z.object({
  /** Dotted path of the offending field, e.g. `folders.0.path`; empty for the input itself. */
  path: z.string(),
  message: z.string(),
});
export type CallIssue = z.infer<typeof callIssue>;

export const callError = z.object({
  code: callErrorCode,
  message: z.string(),
  issues: z.array(callIssue).optional(),
});
export type CallErrorShape = z.infer<typeof callError>;

export type CallResult<T> = { ok: true; value: T } | { ok: false; error: CallErrorShape };

/** Thrown by services to answer a call with a specific error code. */
export class CallError extends Error {
  constructor(
    readonly code: CallErrorCode,
    message: string,
    readonly issues?: CallIssue[],
  ) {
    super(message);
    this.name = 'CallError';
  }

  toShape(): CallErrorShape {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}

/** Turns zod issues into field-named issues a UI (or a test) can show. */
export function issuesFromZod(error: z.ZodError): CallIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

export function describeIssues(issues: CallIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}
