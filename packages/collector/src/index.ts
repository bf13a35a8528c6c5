/**
 * `@tributary/collector`: the HTTP ingestion handler. One transport-neutral core with adapters
 * for node:http, Express/Connect, Fastify and fetch runtimes.
 */
export { CollectorError, type CollectorErrorCode } from './collector-error';
export type {
  BodyFailure,
  BodyResult,
  CollectorRequest,
  CollectorResponse,
} from './collector-request';
export {
  createCollector,
  type Collector,
  type CollectorCorsOptions,
  type CollectorLimits,
  type CollectorOptions,
  type CollectorPaths,
  type CollectorScriptOptions,
  type QueueFullPolicy,
} from './create-collector';
export type { FetchConnectionInfo, FetchHandler } from './fetch-handler';
export {
  createGracefulShutdown,
  type GracefulShutdown,
  type GracefulShutdownOptions,
  type GracefulShutdownResult,
} from './graceful-shutdown';
export {
  LATENCY_BUCKETS,
  type CollectorMetrics,
  type DropReason,
  type RejectReason,
} from './metrics';
export type { ClientErrorListener, NodeErrorHandler, NodeHandler } from './node-handler';
