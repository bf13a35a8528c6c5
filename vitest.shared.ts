import { defineProject } from 'vitest/config';

/** Conditions that make workspace packages resolve to their TypeScript sources in tests. */
// Not `import`/`module`: Vitest hands these to Node as --conditions, and with require(esm) (Node ≥ 20.19)
// CommonJS dependencies would then load ESM builds (Express's router breaks on is-promise).
const sourceConditions = ['@tributary/source', 'node', 'default'];

/** The per-package Vitest project: runs `*.test.ts` and type-checks `*.test-d.ts`. */
export function definePackageProject(name: string) {
  return defineProject({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@tributary/source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts'],
      // Property tests of thousands of runs take well under a second on a quiet core and several on
      // a 2-core machine that also runs Kafka and Druid: a time limit is not a performance check
      // here (benchmarks are), only a guard against a test that hangs.
      testTimeout: 60_000,
      benchmark: { include: ['src/**/*.bench.ts'] },
      typecheck: {
        enabled: true,
        include: ['src/**/*.test-d.ts'],
        tsconfig: './tsconfig.json',
      },
    },
  });
}
