import { describe, expect, it } from "vitest";
import { wasExternal } from "./recorded.js";

const step = (extra?: Record<string, unknown>) => ({
  status: "completed",
  attempt: 1,
  outputRef: `sha256:${"a".repeat(64)}`,
  ...(extra === undefined ? {} : { extra }),
});

describe("wasExternal", () => {
  it("follows the recorded storage form whatever the size", () => {
    expect(wasExternal(step({ outputStorage: "external" }), 10, 1_000)).toBe(true);
    expect(wasExternal(step({ outputStorage: "inline" }), 10_000, 1_000)).toBe(false);
  });

  it("falls back to the inline limit when the snapshot predates outputStorage", () => {
    expect(wasExternal(step({ outputHash: "a".repeat(64) }), 1_001, 1_000)).toBe(true);
    expect(wasExternal(step(), 1_000, 1_000)).toBe(false);
  });
});
