import { z } from 'zod';
import { defineEvents, type InferEvents } from '@tributary/schema';

/** The app's custom events, declared once: the tracker's types here, validation on the server. */
export const appEvents = defineEvents({
  trialStarted: z.object({ plan: z.enum(['starter', 'team']), seats: z.number().int().positive() }),
  pricingViewed: z.object({ currency: z.string().length(3) }),
});

export type AppEvents = InferEvents<typeof appEvents>;
