import { defineProject } from 'vitest/config';

// Examples run against the built packages, as users' services do: no source condition here.
export default defineProject({
  test: {
    name: 'example-express-service',
    include: ['src/**/*.test.ts'],
    // The process tests start the service with tsx.
    testTimeout: 60_000,
  },
});
