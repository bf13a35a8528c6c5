import { defineProject } from 'vitest/config';

// Examples run against the built packages, as users' apps do: no source condition here.
export default defineProject({
  test: {
    name: 'example-vite-spa',
    include: ['test/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
