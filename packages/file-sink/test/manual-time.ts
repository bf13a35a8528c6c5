import type { FileSinkScheduler } from '../src/index.ts';

/** A clock and a scheduler that only move when the test says so. */
export function createManualTime(start: number) {
  let now = start;
  let timers: { at: number; callback: () => void; cancelled: boolean }[] = [];
  const scheduler: FileSinkScheduler = (callback, delayMs) => {
    const timer = { at: now + delayMs, callback, cancelled: false };
    timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  return {
    clock: () => now,
    scheduler,
    /** Timers not yet run or cancelled. */
    pending: () => timers.filter((t) => !t.cancelled).length,
    /** Moves time on and runs every timer that is due, oldest first. */
    advance(ms: number): void {
      now += ms;
      const due = timers.filter((t) => !t.cancelled && t.at <= now).sort((a, b) => a.at - b.at);
      timers = timers.filter((t) => !t.cancelled && t.at > now);
      for (const t of due) t.callback();
    },
  };
}
