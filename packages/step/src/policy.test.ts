import { isOrdoError } from "@ordo/core";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { checkPolicyConfig, definePolicy } from "./policy.js";

const retryOnStatus = definePolicy({
  name: "acme.retry.status",
  kind: "retry-classifier",
  config: z.object({ statuses: z.array(z.number().int()), after: z.number().default(100) }),
  evaluate: (error, attempt, config) =>
    config.statuses.includes(Number(error.details?.status))
      ? attempt < 3
        ? { retryAfterMs: config.after * attempt }
        : "fail"
      : "fail",
});

describe("definePolicy", () => {
  test("the factory produces a frozen IR reference with the parsed config", () => {
    const ref = retryOnStatus({ statuses: [429] });
    expect(ref).toEqual({
      name: "acme.retry.status",
      kind: "retry-classifier",
      config: { statuses: [429], after: 100 },
    });
    expect(Object.isFrozen(ref)).toBe(true);
  });

  test("the definition keeps the schema and the evaluator for the runtime registry", () => {
    const { definition } = retryOnStatus;
    expect(definition.config.safeParse({ statuses: [1] }).success).toBe(true);
    const error = {
      name: "OrdoError",
      code: "STEP_FAILED",
      message: "x",
      retryable: true,
      details: { status: 429 },
    };
    expect(definition.evaluate?.(error, 2, { statuses: [429], after: 10 })).toEqual({
      retryAfterMs: 20,
    });
    expect(definition.evaluate?.(error, 3, { statuses: [429], after: 10 })).toBe("fail");
  });

  test("an invalid config throws IR_INVALID_POLICY with the issues", () => {
    try {
      retryOnStatus({ statuses: ["x"] } as never);
      expect.unreachable();
    } catch (error) {
      expect(isOrdoError(error) && error.code).toBe("IR_INVALID_POLICY");
      expect(isOrdoError(error) && error.message).toContain("at 'statuses.0'");
      expect(isOrdoError(error) && error.details?.policy).toBe("acme.retry.status");
    }
  });

  test("configs must be JSON and a name is required", () => {
    const dated = definePolicy({ name: "d", kind: "custom", config: z.object({ at: z.date() }) });
    expect(() => dated({ at: new Date(0) })).toThrow(/must be JSON/);
    expect(() => definePolicy({ name: "", kind: "custom", config: z.object({}) })).toThrow(
      /non-empty/,
    );
  });

  test("a policy whose config has no required field can be called without arguments", () => {
    const tenantGate = definePolicy({
      name: "acme.admission.tenant",
      kind: "admission",
      config: z.object({ max: z.number().default(5) }),
      evaluate: (ctx, config) => ({ allow: ctx.attempt <= config.max }),
    });
    expect(tenantGate()).toEqual({
      name: "acme.admission.tenant",
      kind: "admission",
      config: { max: 5 },
    });
    expect(checkPolicyConfig(tenantGate.definition, { max: 2 })).toEqual({ max: 2 });
  });
});
