/**
 * Golden IR: compiling the pipelines of `golden-pipelines.ts` must produce exactly the committed
 * fixtures. A change here is a deliberate, reviewed diff: rerun with `UPDATE_GOLDEN=1` to rewrite.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { validatePipeline } from "@ordo/core";
import { describe, expect, test } from "vitest";
import { GOLDEN } from "./golden-pipelines.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/builder");
const update = process.env.UPDATE_GOLDEN === "1";

describe("golden IR", () => {
  for (const [name, builder] of Object.entries(GOLDEN)) {
    test(`${name}.dag.json`, () => {
      const file = join(fixtures, `${name}.dag.json`);
      const text = `${JSON.stringify(builder.compile(), null, 2)}\n`;
      if (update || !existsSync(file)) writeFileSync(file, text);
      const committed = readFileSync(file, "utf8");
      expect(text).toBe(committed);
      // The fixture is itself a valid pipeline, loadable without the TypeScript module.
      expect(validatePipeline(JSON.parse(committed)).ok).toBe(true);
    });
  }
});
