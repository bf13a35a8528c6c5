import type { Origin } from '../hocon';

/** A path as the configuration spells it, with where it says so (for errors reading it). */
export interface ConfiguredPath {
  readonly path: string;
  readonly origin: Origin;
}

/** `global.server`. */
export interface ServerSettings {
  readonly host: string;
  readonly port: number;
  /** `use_x_forwarded_for`: the right-most X-Forwarded-For entry is the client (one trusted proxy). */
  readonly useXForwardedFor: boolean;
  /** `serve_static_resources`: a test page at `/`. */
  readonly serveStaticResources: boolean;
}

/** `global.mapper`. */
export interface MapperSettings {
  /** Slots of each worker's duplicate memory. */
  readonly duplicateMemorySize: number;
  /** A MaxMind database for `ip2geo()`. */
  readonly ip2geoDatabase?: ConfiguredPath;
  readonly userAgentCacheSize: number;
}

/** `global.kafka`, its producer properties translated for kafkajs. */
export interface KafkaSettings {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly acks: -1 | 0 | 1;
  readonly idempotent: boolean;
  readonly compression: 'none' | 'gzip' | 'snappy';
  /** kafkajs's retries of one send (≥ 1), when the producer sets `retries`. */
  readonly retries?: number;
  readonly lingerMs?: number;
  readonly batchBytes?: number;
  readonly requestTimeoutMs?: number;
}

/** A `browser` source. */
export interface BrowserSourceSettings {
  readonly type: 'browser';
  readonly name: string;
  /** Starts and ends with `/`. */
  readonly prefix: string;
  readonly eventSuffix: string;
  readonly partyCookie: string;
  readonly partyTimeoutSeconds: number;
  readonly sessionCookie: string;
  readonly sessionTimeoutSeconds: number;
  readonly cookieDomain?: string;
  readonly javascript: {
    readonly name: string;
    readonly logging: boolean;
    readonly debug: boolean;
    readonly autoPageViewEvent: boolean;
    readonly eventTimeoutMs: number;
  };
}

/** A `json` source. */
export interface JsonSourceSettings {
  readonly type: 'json';
  readonly name: string;
  /** The whole path, starting with `/`. */
  readonly eventPath: string;
  readonly partyIdParameter: string;
  readonly maximumBodySize: number;
}

export type SourceSettings = BrowserSourceSettings | JsonSourceSettings;

/** An `hdfs` sink, on local paths. */
export interface HdfsSinkSettings {
  readonly type: 'hdfs';
  readonly name: string;
  readonly workingDir: string;
  readonly publishDir: string;
  readonly rollEveryMs: number;
  readonly syncFileAfterRecords: number;
  readonly syncFileAfterMs: number;
  /** Where the directories are set (or the sink is), for an error opening them. */
  readonly origin?: Origin;
}

/** A `kafka` sink. */
export interface KafkaSinkSettings {
  readonly type: 'kafka';
  readonly name: string;
  readonly topic: string;
  readonly mode: 'naked' | 'confluent';
}

export type SinkSettings = HdfsSinkSettings | KafkaSinkSettings;

/** A mapping: which sources feed it, how, and which sinks take its records. */
export interface MappingSettings {
  readonly name: string;
  /** The `.avsc`; absent: Divolte's built-in DefaultEventRecord. */
  readonly schemaFile?: ConfiguredPath;
  /** The `mapping.groovy`; absent: Divolte's built-in mapping (and its schema). */
  readonly mappingScriptFile?: ConfiguredPath;
  readonly discardCorrupted: boolean;
  readonly discardDuplicates: boolean;
  readonly confluentId?: number;
  readonly sources: readonly string[];
  /** Only the sinks that run (those of a disabled sink type are left out). */
  readonly sinks: readonly string[];
}

/** A checked Divolte configuration: only what this server does with it. */
export interface DivolteSettings {
  readonly server: ServerSettings;
  readonly mapper: MapperSettings;
  readonly kafka: KafkaSettings;
  readonly sources: readonly SourceSettings[];
  readonly sinks: readonly SinkSettings[];
  readonly mappings: readonly MappingSettings[];
  /**
   * Settings the configuration sets that this server does not honour, one line each; printed as
   * one start-up warning.
   */
  readonly ignored: readonly string[];
}
