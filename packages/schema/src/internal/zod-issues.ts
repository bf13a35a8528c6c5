import type { z } from 'zod';
import type { Issue } from '../protocol/result';

/**
 * Converts zod issues to ours, prefixing their paths. A custom issue that names its own code in
 * `params.code` (such as `too_deep`) keeps that code.
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly (string | number)[] = [],
): Issue[] {
  return issues.map((issue) => ({
    code:
      issue.code === 'custom' && typeof issue.params?.code === 'string'
        ? issue.params.code
        : issue.code,
    path: [...prefix, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))],
    message: issue.message,
  }));
}
