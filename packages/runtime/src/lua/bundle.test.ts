import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { assembleAll, renderBundle } from "./expand.js";

const luaDir = fileURLToPath(new URL("../../../../lua/", import.meta.url));

describe("lua bundle", () => {
  it("is in sync with lua/*.lua (regenerate with build-bundle.ts)", () => {
    const committed = readFileSync(new URL("./bundle.generated.ts", import.meta.url), "utf8");
    expect(committed).toBe(renderBundle(assembleAll(luaDir)));
  });

  it("keeps banned constructs out of every script", () => {
    for (const script of assembleAll(luaDir)) {
      const code = script.source
        .split("\n")
        .map((line) => line.replace(/--.*$/, ""))
        .join("\n");
      expect(code, script.name).not.toMatch(/\/\/|&|\bgoto\b|cmsgpack|struct\.|cjson/);
      // Command names are literals: redis.call('NAME', ...)
      for (const call of code.matchAll(/redis\.call\(([^,)]*)/g)) {
        expect(call[1], `${script.name}: ${call[0]}`).toMatch(/^'[A-Z]+'$/);
      }
    }
  });

  it("keeps each top-level script under 100 lines", () => {
    for (const file of ["claimSteps", "completeStep", "failStep", "createExecution"]) {
      const text = readFileSync(`${luaDir}/${file}.lua`, "utf8");
      expect(text.split("\n").length, file).toBeLessThan(100);
    }
  });
});
