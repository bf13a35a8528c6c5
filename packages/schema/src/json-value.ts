import { z } from 'zod';
import type { JsonValue } from './protocol/json';

/** Any JSON value: what custom event parameters may hold. */
export const jsonValueSchema: z.ZodType<JsonValue> = z.json();
