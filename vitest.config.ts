import { defineConfig } from "vitest/config";

/**
 * One vitest config for the whole workspace. Workspace packages resolve to their `src/`
 * through the `@ordo/source` export condition, so tests never need a build first.
 */
export default defineConfig({
  resolve: { conditions: ["@ordo/source"] },
  ssr: { resolve: { conditions: ["@ordo/source"], externalConditions: ["@ordo/source"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "examples/*/src/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    typecheck: {
      enabled: true,
      include: ["packages/*/src/**/*.test-d.ts"],
      tsconfig: "./tsconfig.typetest.json",
    },
  },
});
