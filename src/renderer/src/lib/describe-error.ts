import type { CallIssue } from '../../../shared/contract';
import { ApiError } from '../api/api-error';

/**
 * The one way the renderer turns a thrown value into text for a person: an
 * Error's message, anything else as a string. With `describeIssue`, a call
 * rejected for bad fields is told by its issues instead (joined by "; "), so a
 * form can say which field is wrong.
 */
export function describeError(error: unknown, describeIssue?: (issue: CallIssue) => string): string {
  if (describeIssue && error instanceof ApiError && error.issues.length > 0) {
    return error.issues.map(describeIssue).join('; ');
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Issue text as the main process wrote it. */
export const issueMessage = (issue: CallIssue): string => issue.message;
