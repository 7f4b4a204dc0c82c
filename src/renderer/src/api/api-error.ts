import type { CallErrorShape, CallIssue } from '../../../shared/contract';

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
