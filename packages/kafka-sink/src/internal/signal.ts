/** A reusable wake-up: `wait()` resolves at the next `notify()`. */
export interface Signal {
  wait(): Promise<void>;
  notify(): void;
}

/** Creates a {@link Signal}. */
export function createSignal(): Signal {
  let waiters: (() => void)[] = [];
  return {
    wait: () => new Promise<void>((resolve) => waiters.push(resolve)),
    notify() {
      const current = waiters;
      waiters = [];
      for (const resolve of current) resolve();
    },
  };
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
