import cluster, { type Worker } from 'node:cluster';
import { prometheusBlock, sumPrometheus } from '../server/metrics';
import type { ToPrimary, ToWorker } from './messages';

// A worker that dies sooner than this after its start is restarted with a growing delay.
const QUICK_DEATH_MS = 5000;

interface MetricsRequest {
  readonly requester: Worker;
  readonly requestId: number;
  readonly texts: string[];
  readonly waiting: Set<number>;
  readonly timer: NodeJS.Timeout;
}

/** Options of {@link runPrimary}. */
export interface PrimaryOptions {
  /** How many worker processes. */
  readonly workers: number;
  /** Environment of every worker (each also gets DIVOLTE_WORKER_ID). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How long a metrics request waits for every worker's answer. @default 2000 */
  readonly metricsTimeoutMs?: number;
  /** Printed once every worker listens. */
  readonly onListening: (url: string) => void;
  /** Warnings (a worker died and was restarted). */
  readonly warn: (message: string) => void;
  /** Called once every worker has exited after a shutdown (or a failed start): the exit code. */
  readonly onExit: (code: number) => void;
}

/** The primary's controls, for the signal handlers. */
export interface Primary {
  /** First call: every worker drains and exits; later calls: they cut their deadline short. */
  shutdown(): void;
  readonly restarts: number;
}

/**
 * Runs the cluster's primary: forks the workers, restarts (and counts) a worker that dies while
 * the cluster runs, answers a worker's `/metrics` request with the sum over every worker, and on
 * shutdown tells every worker to drain and publish, then reports the exit code: 0 when every
 * worker drained, 1 otherwise. A worker that dies before it ever listened stops the cluster
 * (a port in use, a bad mapping script): restarting it would fail the same way, forever.
 */
export function runPrimary(options: PrimaryOptions): Primary {
  const slots = new Map<number, Worker>();
  const listening = new Set<number>();
  let announced = false;
  let stopping = false;
  let signals = 0;
  let restarts = 0;
  let failed = false;
  let nextRequest = 0;
  let quickDeaths = 0;
  let exited = false;
  const exit = (): void => {
    if (exited) return;
    exited = true;
    options.onExit(failed ? 1 : 0);
  };
  const startedAt = new Map<number, number>();
  // Metrics requests being answered: who asked (and under which id), what came back, who is left.
  const pending = new Map<number, MetricsRequest>();

  const send = (worker: Worker, message: ToWorker): void => {
    if (worker.isConnected()) worker.send(message);
  };

  const fork = (slot: number): void => {
    startedAt.set(slot, Date.now());
    const worker = cluster.fork({ ...options.env, DIVOLTE_WORKER_ID: String(slot) });
    slots.set(slot, worker);
    worker.on('message', (message: ToPrimary) => {
      onMessage(slot, worker, message);
    });
    worker.on('exit', (code, signal) => {
      onExit(slot, worker, code, signal);
    });
  };

  const onMessage = (slot: number, worker: Worker, message: ToPrimary): void => {
    switch (message.type) {
      case 'listening':
        listening.add(slot);
        if (!announced && listening.size === options.workers) {
          announced = true;
          options.onListening(message.url);
        }
        // A restarted worker while shutting down: it drains at once.
        if (stopping) send(worker, { type: 'shutdown' });
        return;
      case 'metrics-request':
        collectMetrics(worker, message.id);
        return;
      case 'metrics':
        receiveMetrics(slot, message.id, message.text);
        return;
    }
  };

  const collectMetrics = (requester: Worker, requestId: number): void => {
    const id = nextRequest++;
    const live = [...slots].filter(([, worker]) => worker.isConnected());
    const timer = setTimeout(() => {
      finishMetrics(id);
    }, options.metricsTimeoutMs ?? 2000);
    pending.set(id, {
      requester,
      requestId,
      texts: [],
      waiting: new Set(live.map(([slot]) => slot)),
      timer,
    });
    for (const [, worker] of live) send(worker, { type: 'metrics-collect', id });
  };

  const receiveMetrics = (slot: number, id: number, text: string): void => {
    const request = pending.get(id);
    if (!request) return;
    request.texts.push(text);
    request.waiting.delete(slot);
    if (request.waiting.size === 0) finishMetrics(id);
  };

  const finishMetrics = (id: number): void => {
    const request = pending.get(id);
    if (!request) return;
    pending.delete(id);
    clearTimeout(request.timer);
    const own =
      prometheusBlock('divolte_workers', 'Worker processes running now.', 'gauge', [
        ['', [...slots.values()].filter((w) => w.isConnected()).length],
      ]) +
      prometheusBlock(
        'divolte_worker_restarts_total',
        'Workers that died and were started again.',
        'counter',
        [['', restarts]],
      ) +
      prometheusBlock(
        'divolte_worker_metrics_missing',
        'Workers that did not answer this metrics request in time.',
        'gauge',
        [['', request.waiting.size]],
      );
    send(request.requester, {
      type: 'metrics-result',
      id: request.requestId,
      text: sumPrometheus([...request.texts, own]),
    });
  };

  const onExit = (
    slot: number,
    worker: Worker,
    code: number | null,
    signal: string | null,
  ): void => {
    if (slots.get(slot) !== worker) return;
    slots.delete(slot);
    const wasListening = listening.delete(slot);
    for (const [id, request] of pending) {
      if (request.waiting.delete(slot) && request.waiting.size === 0) finishMetrics(id);
    }
    if (!stopping && !wasListening && !announced) {
      // It never started: stop the others too.
      failed = true;
      shutdown();
    } else if (!stopping) {
      restarts++;
      // A worker that keeps dying soon after its start waits longer each time (up to 30 s), so a
      // crash loop does not take the machine.
      const quick = Date.now() - (startedAt.get(slot) ?? 0) < QUICK_DEATH_MS;
      const delay = quick ? Math.min(30_000, 250 * 2 ** Math.min(quickDeaths++, 7)) : 0;
      if (!quick) quickDeaths = 0;
      options.warn(
        `worker ${slot} died (${signal ?? `exit code ${code}`}); starting it again${delay ? ` in ${delay} ms` : ''} (${restarts} restart(s) so far)`,
      );
      setTimeout(() => {
        if (!stopping) fork(slot);
        else if (slots.size === 0) exit();
      }, delay);
      return;
    } else if (code !== 0) {
      failed = true;
    }
    if (stopping && slots.size === 0) exit();
  };

  const shutdown = (): void => {
    signals++;
    if (signals === 1) {
      stopping = true;
      for (const worker of slots.values()) send(worker, { type: 'shutdown' });
    } else {
      for (const worker of slots.values()) send(worker, { type: 'force' });
    }
    if (slots.size === 0) exit();
  };

  for (let slot = 0; slot < options.workers; slot++) fork(slot);
  return {
    shutdown,
    get restarts() {
      return restarts;
    },
  };
}
