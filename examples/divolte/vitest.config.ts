import { defineProject } from 'vitest/config';

// Examples run against the built packages, as users' services do: no source condition here.
export default defineProject({
  test: {
    name: 'example-divolte',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    // The process tests start the server (and the reference Divolte) as real processes.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
