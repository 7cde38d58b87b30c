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
      const compiled = builder.compile();
      if (update || !existsSync(file))
        writeFileSync(file, `${JSON.stringify(compiled, null, 2)}\n`);
      // Compared as data, so reformatting the fixture (biome) is not a difference; key order is
      // not semantic in the IR either (its fingerprint is computed over canonical JSON).
      const committed: unknown = JSON.parse(readFileSync(file, "utf8"));
      expect(compiled).toEqual(committed);
      // The fixture is itself a valid pipeline, loadable without the TypeScript module.
      expect(validatePipeline(committed).ok).toBe(true);
    });
  }
});
