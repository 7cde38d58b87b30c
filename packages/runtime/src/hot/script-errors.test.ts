import { ERROR_CODES } from "@ordo/core";
import { describe, expect, it } from "vitest";
import { SCRIPT_ERROR_CODES, scriptErrorCode } from "./script-errors.js";

describe("scriptErrorCode", () => {
  it("maps every listed word to a code @ordo/core documents", () => {
    for (const [word, code] of Object.entries(SCRIPT_ERROR_CODES)) {
      expect(scriptErrorCode(word)).toBe(code);
      expect(Object.keys(ERROR_CODES)).toContain(code);
    }
  });

  it("maps words of all three script families", () => {
    expect(scriptErrorCode("STALE_TOKEN")).toBe("STALE_TOKEN");
    expect(scriptErrorCode("INPUT_NOT_AWAITED")).toBe("INPUT_NOT_AWAITED");
    expect(scriptErrorCode("RUN_EXISTS")).toBe("RUN_EXISTS");
  });

  it("turns an unknown word, a non-string and an inherited property name into SCRIPT_ERROR", () => {
    expect(scriptErrorCode("BUSY")).toBe("SCRIPT_ERROR");
    expect(scriptErrorCode(undefined)).toBe("SCRIPT_ERROR");
    expect(scriptErrorCode("constructor")).toBe("SCRIPT_ERROR");
    expect(scriptErrorCode("__proto__")).toBe("SCRIPT_ERROR");
  });
});
