import { PACKAGE } from "@ordo/core";
import { expect, test } from "vitest";

test("resolves workspace source", () => {
  expect(PACKAGE).toBe("@ordo/core");
});
