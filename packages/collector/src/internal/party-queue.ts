import type { ClickEvent, EventConsumer } from '@tributary/schema';

interface Entry {
  readonly event: ClickEvent;
  /** `performance.now()` at acceptance, for the latency histogram. */
  readonly at: number;
}

/** What the queue tells its owner after each event. */
export interface PartyQueueHooks {
  /** The consumer finished the event; `error` is set when it threw or rejected. */
  settled(event: ClickEvent, seconds: number, error: unknown, failed: boolean): void;
}

/** Events in flight to the consumer, in order per party; different parties run concurrently. */
export interface PartyQueue {
  /** Events accepted and not yet finished by the consumer. */
  readonly depth: number;
  /** Queues an event; the consumer sees it in a microtask, after the caller's answer is written. */
  push(event: ClickEvent): void;
  /** Resolves when the depth is zero. */
  idle(): Promise<void>;
}

const now = (): number => performance.now();

// A settled promise to schedule microtasks with: queueMicrotask makes an AsyncResource per call in
// Node, a `then` on a settled promise does not.
const settled = Promise.resolve();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Calls the consumer for each event in a microtask after it was pushed (so an HTTP response is
 * written before any consumer work), one event at a time per party: a party's next event waits
 * until the consumer's promise for the previous one settles. Sync consumers run back to back.
 */
export function createPartyQueue(consumer: EventConsumer, hooks: PartyQueueHooks): PartyQueue {
  // A party is busy while it has an entry here; `null` means busy with nothing waiting.
  const waiting = new Map<string, Entry[] | null>();
  let ready: Entry[] = [];
  let scheduled = false;
  let depth = 0;
  let idleWaiters: (() => void)[] = [];

  const finish = (entry: Entry, error: unknown, failed: boolean): void => {
    depth--;
    hooks.settled(entry.event, (now() - entry.at) / 1000, error, failed);
    if (depth === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  const next = (partyId: string): Entry | undefined => {
    const queued = waiting.get(partyId);
    if (queued === null || queued === undefined || queued.length === 0) {
      waiting.delete(partyId);
      return undefined;
    }
    return queued.shift();
  };

  const run = (first: Entry): void => {
    let entry: Entry | undefined = first;
    while (entry !== undefined) {
      const current: Entry = entry;
      let result: unknown;
      try {
        result = consumer(current.event);
      } catch (error) {
        finish(current, error, true);
        entry = next(current.event.partyId);
        continue;
      }
      if (isThenable(result)) {
        result.then(
          () => {
            finish(current, undefined, false);
            const following = next(current.event.partyId);
            if (following !== undefined) run(following);
          },
          (error: unknown) => {
            finish(current, error, true);
            const following = next(current.event.partyId);
            if (following !== undefined) run(following);
          },
        );
        return;
      }
      finish(current, undefined, false);
      entry = next(current.event.partyId);
    }
  };

  const flush = (): void => {
    scheduled = false;
    if (ready.length === 0) return;
    const batch = ready;
    ready = [];
    for (const entry of batch) run(entry);
  };

  return {
    get depth() {
      return depth;
    },
    push(event) {
      depth++;
      const entry: Entry = { event, at: now() };
      const queued = waiting.get(event.partyId);
      if (queued === undefined) {
        waiting.set(event.partyId, null);
        ready.push(entry);
        if (!scheduled) {
          scheduled = true;
          void settled.then(flush);
        }
      } else if (queued === null) {
        waiting.set(event.partyId, [entry]);
      } else {
        queued.push(entry);
      }
    },
    idle() {
      return depth === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            idleWaiters.push(resolve);
          });
    },
  };
}
