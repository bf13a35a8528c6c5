/** What became of one send attempt raced against the spool deadline. */
export type AttemptOutcome =
  | { readonly type: 'acknowledged' }
  | { readonly type: 'failed'; readonly error: unknown }
  /** The deadline passed first; `attempt` is still running inside kafkajs. */
  | { readonly type: 'overdue'; readonly attempt: Promise<void> };

/**
 * The moment a batch that has not been acknowledged must go to the spool. It runs on its own
 * timer, so the sink spools on time even while a kafkajs attempt (which retries connections and
 * requests on its own, for 9-21 s with kafkajs's defaults) has not returned yet.
 */
export interface SpoolDeadline {
  /** Whether the deadline has passed. */
  readonly expired: boolean;
  /** Waits for the attempt, or for the deadline when that comes first. */
  settle(attempt: Promise<void>): Promise<AttemptOutcome>;
  /** Waits for `pause` (a backoff) or for the deadline, whichever comes first. */
  sleep(pause: Promise<void>): Promise<void>;
  /** Stops the timer (the batch was acknowledged or spooled). */
  cancel(): void;
}

/**
 * A deadline `ms` from now, or one that never passes when `ms` is `Infinity` (a sink without a
 * spool retries for as long as it takes).
 */
export function createSpoolDeadline(ms: number): SpoolDeadline {
  let expired = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reached = new Promise<void>((resolve) => {
    if (!Number.isFinite(ms)) return;
    timer = setTimeout(() => {
      expired = true;
      resolve();
    }, ms);
  });
  return {
    get expired() {
      return expired;
    },
    settle(attempt) {
      const outcome = attempt.then(
        (): AttemptOutcome => ({ type: 'acknowledged' }),
        (error: unknown): AttemptOutcome => ({ type: 'failed', error }),
      );
      return Promise.race([
        outcome,
        reached.then((): AttemptOutcome => ({ type: 'overdue', attempt })),
      ]);
    },
    sleep(pause) {
      return Promise.race([pause, reached]);
    },
    cancel() {
      clearTimeout(timer);
    },
  };
}
