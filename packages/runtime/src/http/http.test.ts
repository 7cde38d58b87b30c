import { OrdoError } from "@ordo/core";
import { describe, expect, it } from "vitest";
import { bearerChecker } from "./auth.js";
import { errorResponse, httpStatusOf } from "./errors.js";
import { matchPath } from "./routes.js";

describe("bearerChecker", () => {
  const check = bearerChecker(["alpha-token", "beta-token"]);

  it("accepts any configured token, case-insensitive scheme", () => {
    expect(check("Bearer alpha-token")).toBe(true);
    expect(check("bearer beta-token")).toBe(true);
  });

  it("refuses missing, wrong, prefixed or differently-schemed credentials", () => {
    for (const header of [
      undefined,
      "",
      "Bearer",
      "Bearer ",
      "Bearer alpha",
      "Bearer alpha-token-x",
      "Basic alpha-token",
      "alpha-token",
      "Bearer alpha-token extra",
    ]) {
      expect(check(header), String(header)).toBe(false);
    }
  });

  it("needs at least one non-empty token", () => {
    expect(() => bearerChecker([""])).toThrow(/at least one/);
  });
});

describe("errors", () => {
  it("maps codes to statuses", () => {
    expect(httpStatusOf("UNAUTHORIZED")).toBe(401);
    expect(httpStatusOf("RUN_NOT_FOUND")).toBe(404);
    expect(httpStatusOf("RUN_EXISTS")).toBe(409);
    expect(httpStatusOf("IR_CYCLE")).toBe(400);
    expect(httpStatusOf("INPUT_INVALID")).toBe(400);
    expect(httpStatusOf("ADMISSION_REJECTED")).toBe(503);
    expect(httpStatusOf("SCRIPT_ERROR")).toBe(500);
  });

  it("keeps OrdoError messages and hides others", () => {
    const known = errorResponse(
      new OrdoError("WRONG_STATE", "already done", { details: { a: 1 } }),
    );
    expect(known).toEqual({
      status: 409,
      body: { error: { code: "WRONG_STATE", message: "already done", details: { a: 1 } } },
    });
    const unknown = errorResponse(new Error("db password is hunter2"));
    expect(unknown).toEqual({
      status: 500,
      body: { error: { code: "INTERNAL", message: "Internal error." } },
    });
  });
});

describe("matchPath", () => {
  it("extracts decoded params and rejects other shapes", () => {
    expect(matchPath("/runs/:id/cancel", "/runs/r%3A1/cancel")).toEqual({ id: "r:1" });
    expect(matchPath("/runs/:id", "/runs/")).toBeUndefined();
    expect(matchPath("/runs/:id", "/runs/a/b")).toBeUndefined();
    expect(matchPath("/queue", "/queue")).toEqual({});
  });
});
