import express, { type Express } from 'express';
import { createCollector, type Collector } from '@tributary/collector';
import { createDivolteEventMapper } from '@tributary/mapping';
import type { DivolteEventRecord, Logger } from '@tributary/schema';

/** Options of {@link createApp}: where records go, injected so tests can watch them. */
export interface AppOptions {
  /** Receives each record of Divolte's DefaultEventRecord, in order per party. */
  onRecord: (record: DivolteEventRecord) => void | Promise<void>;
  /** Behind how many proxies the service runs (each appends to X-Forwarded-For). @default 0 */
  trustedProxies?: number;
  logger?: Logger;
}

/**
 * An existing Express service (a tiny product API) that mounts the Tributary collector beside
 * its own routes. The collector handles only its own paths and passes everything else on.
 */
export function createApp(options: AppOptions): { app: Express; collector: Collector } {
  const mapper = createDivolteEventMapper();
  const collector = createCollector({
    prefix: '/analytics/',
    trustedProxies: options.trustedProxies ?? 0,
    anonymiseIp: true,
    logger: options.logger ?? console,
    onEvent: async (event) => {
      const mapped = mapper(event);
      if (mapped.ok && !mapped.dropped) await options.onRecord(mapped.value);
    },
  });

  const app = express();
  // Mounted before the body parsers, so the collector reads raw bodies itself.
  app.use(collector.node);
  app.use(express.json());
  app.get('/api/products', (_request, response) => {
    response.json([{ sku: 'KAYAK-1', price: 899 }]);
  });
  app.post('/api/orders', (request, response) => {
    response.status(201).json({ received: request.body as unknown });
  });
  return { app, collector };
}
