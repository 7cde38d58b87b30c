import { describe, expect, it } from "vitest";
import { formatJsonPath } from "./json-path.js";

describe("formatJsonPath", () => {
  it("writes identifiers with dots, indices and other keys in brackets", () => {
    expect(formatJsonPath([])).toBe("$");
    expect(formatJsonPath(["steps", 1, "dependsOn", 0])).toBe("$.steps[1].dependsOn[0]");
    expect(formatJsonPath(["inputs", "my key", "$ref", "a-b", "0"])).toBe(
      '$.inputs["my key"].$ref["a-b"]["0"]',
    );
    expect(formatJsonPath(['q"uote'])).toBe('$["q\\"uote"]');
  });
});
