import { defineConfig } from "tsup";

// One entry, ESM, with declarations. `@ordo/step` and `zod` are peer dependencies, so tsup keeps
// them external: the built plugin imports the host's copies.
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: { compilerOptions: { composite: false, incremental: false } },
  clean: true,
  sourcemap: true,
  target: "node20",
});
