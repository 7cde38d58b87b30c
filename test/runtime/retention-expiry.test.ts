/**
 * Expiry of an externalized output: the deployment override's durableTtlMs, else the step's IR
 * policy, else the pipeline's, else the deployment default; none means no expiry.
 */
import { describe, expect, it } from "vitest";
import { prepareDefinition } from "../../packages/runtime/src/engine/definition.js";
import {
  type DurableEnv,
  outputLimits,
} from "../../packages/runtime/src/engine/durable-options.js";
import type { DurableStore } from "../../packages/runtime/src/index.js";
import type { RetentionConfig } from "../../packages/runtime/src/retention/policy.js";
import { testIr } from "./helpers/ir.js";

const DAY = 86_400_000;
const def = prepareDefinition(
  testIr(
    [
      { id: "own", policies: { retention: { durableTtlMs: 2 * DAY } } },
      { id: "inherits", deps: ["own"] },
    ],
    { name: "expiry", policies: { retention: { durableTtlMs: 5 * DAY } } },
  ),
);
const bare = prepareDefinition(testIr([{ id: "inherits" }], { name: "bare" }));

/** A durable env with `retention`; the store is never called by outputLimits. */
const env = (retention?: RetentionConfig): DurableEnv => {
  const store = {} as DurableStore;
  return {
    store,
    resolver: undefined as never,
    options: { store, ...(retention ? { retention } : {}) },
  };
};

/** The output's TTL in days, rounded (outputLimits stamps Date.now() + ttl). */
function ttlDays(d: typeof def, stepId: string, durable: DurableEnv): number | undefined {
  const { expiresAt } = outputLimits(d, stepId, "e1", durable);
  return expiresAt === undefined ? undefined : Math.round((expiresAt - Date.now()) / DAY);
}

describe("externalized output expiry", () => {
  it("takes the step's, then the pipeline's IR TTL, under a deployment override", () => {
    expect(ttlDays(def, "own", env())).toBe(2);
    expect(ttlDays(def, "inherits", env())).toBe(5);
    expect(ttlDays(def, "own", env({ default: { durableTtlMs: 9 * DAY } }))).toBe(2);
    expect(ttlDays(def, "own", env({ pipelines: { expiry: { durableTtlMs: 1 * DAY } } }))).toBe(1);
    expect(ttlDays(bare, "inherits", env({ default: { durableTtlMs: 9 * DAY } }))).toBe(9);
    expect(ttlDays(bare, "inherits", env())).toBeUndefined();
  });
});
