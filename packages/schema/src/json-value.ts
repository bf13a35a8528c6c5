import { z } from 'zod';
import type { JsonValue } from './protocol/json';
import { findTooDeep, tooDeepMessage } from './protocol/parameter-depth';

/**
 * Any JSON value that nests no deeper than `MAX_PARAMETER_DEPTH`: what custom event parameters may
 * hold. Deeper input gets one issue of code `too_deep` (a zod `custom` issue with
 * `params.code`), at the path of the first container beyond the limit. The depth is checked
 * first, without recursion, because zod's JSON check recurses and would exhaust the stack on deep
 * input (1,500 nested arrays inside a request handler are enough).
 */
export const jsonValueSchema: z.ZodType<JsonValue> = z
  .unknown()
  .superRefine((value, context) => {
    const path = findTooDeep(value);
    if (path !== undefined) {
      context.addIssue({
        code: 'custom',
        path,
        message: `${tooDeepMessage('Parameters')}.`,
        params: { code: 'too_deep' },
      });
    }
  })
  .pipe(z.json());
