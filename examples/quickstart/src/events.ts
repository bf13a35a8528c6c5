import { z } from 'zod';
import { defineEvents, type InferEvents } from '@tributary/schema';

/** The demo shop's custom events, declared once for the tag's types and the collector's checks. */
export const shopEvents = defineEvents({
  addToCart: z.object({
    sku: z.string(),
    price: z.number().nonnegative(),
    quantity: z.number().int().positive(),
  }),
  search: z.object({ query: z.string().max(200) }),
  signup: z.object({ plan: z.enum(['newsletter', 'trial']) }),
  // The drop-in tag's data-outbound feature: a click on a link to another host.
  outboundLink: z.object({ href: z.url({ protocol: /^https?$/ }).max(2000) }),
});

export type ShopEvents = InferEvents<typeof shopEvents>;
