// Test support: the counters every collector must balance, whatever traffic it saw.
import { expect } from 'vitest';
import type { CollectorMetrics } from '../src/index';

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const value of values) total += value;
  return total;
};

/**
 * Every request got exactly one counted response (`requests` of them, when given); every 4xx and
 * 503 has one reason and every 500 is an internal error; every received event was accepted,
 * invalid or dropped for a reason.
 */
export function expectBalanced(metrics: CollectorMetrics, requests?: number): void {
  if (requests !== undefined) expect(metrics.requests).toBe(requests);
  expect(sum(Object.values(metrics.responses))).toBe(metrics.requests);
  const failing = Object.entries(metrics.responses).filter(([status]) => Number(status) >= 400);
  const errors = sum(failing.filter(([status]) => status === '500').map(([, count]) => count));
  expect(errors).toBe(metrics.internalErrors);
  expect(sum(Object.values(metrics.rejected))).toBe(
    sum(failing.map(([, count]) => count)) - errors,
  );
  expect(metrics.received).toBe(
    metrics.accepted + metrics.invalid + sum(Object.values(metrics.dropped)),
  );
}
