import { createCollector, type Collector } from '@tributary/collector';
import type { EventConsumer, Logger } from '@tributary/schema';
import type { DivolteSettings, SourceSettings } from '../config/divolte-settings';
import { createTagScript } from './tag-script';

/** One collector per configured source, and the paths that reach each. */
export interface RunningSources {
  readonly collectors: readonly {
    readonly source: SourceSettings;
    readonly collector: Collector;
  }[];
  /** Exact request paths (no query) to the collector that serves them. */
  readonly routes: ReadonlyMap<string, Collector>;
}

/** What {@link createSources} needs. */
export interface CreateSourcesOptions {
  readonly settings: DivolteSettings;
  readonly trackerScript: Uint8Array;
  readonly consumerOf: (source: string) => EventConsumer;
  readonly logger: Logger;
}

// A collector serves more endpoints than a Divolte source has; the ones a source does not have get
// names no request reaches (only the paths in `routes` are handed to a collector).
const UNUSED = {
  batch: '.unused-batch',
  json: '.unused-json',
  event: '.unused-event',
  ping: '.unused-ping',
};

/**
 * Creates a collector per source. A browser source serves the pixel at
 * `<prefix><event_suffix>` and the tag at `<prefix><javascript.name>`; a json source takes
 * `POST <event_path>?<party_id_parameter>=…` with bodies up to `maximum_body_size`. All share
 * `use_x_forwarded_for` (one trusted proxy: the right-most X-Forwarded-For entry) and the
 * worker's `duplicate_memory_size`.
 */
export function createSources(options: CreateSourcesOptions): RunningSources {
  const { settings } = options;
  const routes = new Map<string, Collector>();
  const collectors = settings.sources.map((source) => {
    const common = {
      onEvent: options.consumerOf(source.name),
      trustedProxies: settings.server.useXForwardedFor ? 1 : 0,
      duplicateMemorySize: settings.mapper.duplicateMemorySize,
      logger: options.logger,
    };
    if (source.type === 'browser') {
      const collector = createCollector({
        ...common,
        prefix: source.prefix,
        paths: {
          event: source.eventSuffix,
          script: source.javascript.name,
          batch: UNUSED.batch,
          json: UNUSED.json,
          ping: UNUSED.ping,
        },
        script: { source: createTagScript(source, options.trackerScript) },
      });
      routes.set(source.prefix + source.eventSuffix, collector);
      routes.set(source.prefix + source.javascript.name, collector);
      return { source, collector };
    }
    const slash = source.eventPath.lastIndexOf('/');
    const collector = createCollector({
      ...common,
      prefix: source.eventPath.slice(0, slash + 1),
      paths: {
        json: source.eventPath.slice(slash + 1),
        event: UNUSED.event,
        batch: UNUSED.batch,
        ping: UNUSED.ping,
      },
      jsonPartyIdParameter: source.partyIdParameter,
      limits: { jsonBodyBytes: source.maximumBodySize },
    });
    routes.set(source.eventPath, collector);
    return { source, collector };
  });
  return { collectors, routes };
}
