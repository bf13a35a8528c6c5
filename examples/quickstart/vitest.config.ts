import { defineProject } from 'vitest/config';

// Examples run against the built packages, as users' services do: no source condition here.
export default defineProject({
  test: {
    name: 'example-quickstart',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
