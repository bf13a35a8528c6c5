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
  const what = missing.map((need) => `${need.name} (start: ${need.start})`).join('; ');
  if (inCi) {
    describe(name, () => {
      it('has its services', () => {
        throw new Error(`missing under CI=true: ${what}; .ci/run must start it`);
      });
    });
    return;
  }
  const line = `[tributary] skipped "${name}": missing ${what}`;
  if (!noticed.has(line)) {
    noticed.add(line);
    process.stderr.write(line + '\n');
  }
  describe.skip(name, body);
}
