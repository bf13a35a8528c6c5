import { describe, it, type TestOptions } from 'vitest';

/** Whether this run is CI's, where a missing service fails its suite instead of skipping it. */
export const inCi = process.env.CI === 'true';

/** A real service a suite needs: whether it answered, and how a developer starts it. */
export interface ServiceNeed {
  /** What it is, as a reader knows it: `Kafka at 127.0.0.1:9092`, `Chromium at /usr/bin/chromium`. */
  readonly name: string;
  /** Whether it is there now. */
  readonly available: boolean;
  /** The command (or install step) that provides it: `infra/kafka/kafka.sh start`. */
  readonly start: string;
}

const noticed = new Set<string>();

function describeMissing(missing: readonly ServiceNeed[]): string {
  return missing.map((need) => `${need.name} (start: ${need.start})`).join('; ');
}

function notice(line: string): void {
  if (noticed.has(line)) return;
  noticed.add(line);
  process.stderr.write(line + '\n');
}

/**
 * `describe` for a suite that needs real services. With all of them there it is a plain suite.
 * Under `CI=true` a missing service fails the suite (one failing test that says what is missing).
 * Locally the suite is skipped, and one line on stderr says what is missing and how to start it,
 * so a skip is never silent.
 */
export function describeWithServices(
  needs: readonly ServiceNeed[],
  name: string,
  body: () => void,
  options?: TestOptions,
): void {
  const missing = needs.filter((need) => !need.available);
  if (missing.length === 0) {
    describe(name, options ?? {}, body);
    return;
  }
  const what = describeMissing(missing);
  if (inCi) {
    describe(name, () => {
      it('has its services', () => {
        throw new Error(`missing under CI=true: ${what}; .ci/run must start it`);
      });
    });
    return;
  }
  notice(`[tributary] skipped "${name}": missing ${what}`);
  describe.skip(name, body);
}

/** `it` for one test that needs real services beyond its suite's: the same rules as {@link describeWithServices}. */
export function itWithServices(
  needs: readonly ServiceNeed[],
  name: string,
  body: () => Promise<void> | void,
  timeout?: number,
): void {
  const missing = needs.filter((need) => !need.available);
  if (missing.length === 0) {
    it(name, body, timeout);
    return;
  }
  const what = describeMissing(missing);
  if (inCi) {
    it(name, () => {
      throw new Error(`missing under CI=true: ${what}; .ci/run must start it`);
    });
    return;
  }
  notice(`[tributary] skipped "${name}": missing ${what}`);
  it.skip(name, body);
}
