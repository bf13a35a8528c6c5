import { defineProject } from 'vitest/config';

// Examples run against the built packages, as users' services do: no source condition here.
export default defineProject({
  test: {
    name: 'example-dkd-stack',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
