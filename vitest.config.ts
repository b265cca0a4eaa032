import { defineConfig } from 'vitest/config';

// One project per layer of DESIGN.md §5, so each can be run alone (`vitest run --project unit`).
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      // CPU-heavy property and truncation tests share a 2-core box with the other projects in CI.
      { test: { name: 'unit', include: ['packages/*/test/unit/**/*.test.ts', 'packages/*/test/golden/**/*.test.ts', 'packages/*/test/sim/**/*.test.ts'], testTimeout: 30_000 } },
      { test: { name: 'conformance', include: ['packages/*/test/conformance/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      { test: { name: 'integration', include: ['packages/*/test/integration/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      { test: { name: 'types', include: [], typecheck: { enabled: true, only: true, include: ['packages/*/test/types/**/*.test-d.ts'], tsconfig: 'packages/coord/tsconfig.test.json' } } },
    ],
  },
});
