// Test support for the suites that drive a real Chromium (Debian's package) with playwright-core.
// Plain data, so that this module needs no dependency of its own: each suite hands it to the
// `chromium.launch` of its own playwright-core.
import { existsSync } from 'node:fs';
import type { ServiceNeed } from './services';

/** Debian's Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Chromium, as `describeWithServices` (./services.ts) takes it. */
export const chromiumService: ServiceNeed = {
  name: `Chromium at ${CHROMIUM_PATH}`,
  available: existsSync(CHROMIUM_PATH),
  start: "apt-get install -y chromium (Debian's package)",
};

/**
 * What `chromium.launch` takes to start Debian's Chromium without a sandbox, a GPU, QUIC or the
 * background traffic of a first run (the test machines have no Internet). A fresh object a call.
 */
export function chromiumLaunchOptions(): { executablePath: string; args: string[] } {
  return {
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  };
}
