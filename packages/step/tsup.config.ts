import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/builtins/index.ts"],
  format: ["esm"],
  dts: { compilerOptions: { composite: false, incremental: false } },
  clean: true,
  sourcemap: true,
  target: "node20",
});
