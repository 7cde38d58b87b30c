/**
 * `docs/ir.schema.json` is generated from `pipelineIrJsonSchema`. This test writes it when it is
 * missing (or when ORDO_UPDATE_IR_SCHEMA=1) and otherwise fails when the committed file is
 * stale, so CI catches an IR change without a regenerated schema. Compared as JSON, so
 * formatting (biome) does not matter.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { pipelineIrJsonSchema } from "@ordo/core";
import { expect, it } from "vitest";

const file = fileURLToPath(new URL("../../docs/ir.schema.json", import.meta.url));

it("docs/ir.schema.json matches the IR's zod schemas", () => {
  if (!existsSync(file) || process.env.ORDO_UPDATE_IR_SCHEMA === "1") {
    writeFileSync(file, `${JSON.stringify(pipelineIrJsonSchema, null, 2)}\n`);
  }
  const committed: unknown = JSON.parse(readFileSync(file, "utf8"));
  expect(
    committed,
    "docs/ir.schema.json is stale: run ORDO_UPDATE_IR_SCHEMA=1 npx vitest run test/core/ir-schema-file.test.ts and commit it",
  ).toEqual(pipelineIrJsonSchema);
});
