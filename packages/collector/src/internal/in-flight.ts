import type { CollectorResponse } from '../collector-request';

/** Requests that are reading their body, so a close waits for them. */
export interface InFlight {
  /** Counts a body-reading request as in flight until it is answered. */
  track(handling: Promise<CollectorResponse>): Promise<CollectorResponse>;
  /** Resolves once no request is in flight. */
  idle(): Promise<void>;
}

export function createInFlight(): InFlight {
  let count = 0;
  let waiters: (() => void)[] = [];
  return {
    async track(handling) {
      count++;
      try {
        return await handling;
      } finally {
        count--;
        if (count === 0 && waiters.length > 0) {
          const done = waiters;
          waiters = [];
          for (const resolve of done) resolve();
        }
      }
    },
    idle() {
      if (count === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
      });
    },
  };
}
