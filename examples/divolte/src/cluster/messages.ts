// The messages between the primary and its workers (over node:cluster's IPC channel).

/** From a worker to the primary. */
export type ToPrimary =
  /** The worker's server listens (after its sinks opened). */
  | { readonly type: 'listening'; readonly url: string }
  /** A request to GET /metrics reached this worker: it wants the sum over all workers. */
  | { readonly type: 'metrics-request'; readonly id: number }
  /** This worker's own metrics, for the collection `id`. */
  | { readonly type: 'metrics'; readonly id: number; readonly text: string };

/** From the primary to a worker. */
export type ToWorker =
  /** Drain: stop listening, finish requests (bounded), write every accepted event, publish, exit 0. */
  | { readonly type: 'shutdown' }
  /** Cut the shutdown's deadline short (the drain of accepted events still completes). */
  | { readonly type: 'force' }
  /** Send your own metrics for the collection `id`. */
  | { readonly type: 'metrics-collect'; readonly id: number }
  /** The summed metrics answering this worker's request `id`. */
  | { readonly type: 'metrics-result'; readonly id: number; readonly text: string };
