/**
 * A step with more dependencies than one HMGET chunk (the scripts read dependency outputs and the
 * final facts 500 fields per HMGET, because Lua's unpack has a stack limit near 8000 values):
 * the claim of the join step carries every dependency output and the finalizing call returns
 * every step's status and output, identically on real Redis and on the embedded engine.
 */
import { startRedis, uniquePrefix } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../../packages/runtime/src/embedded/index.js";
import { prepareDefinition } from "../../../packages/runtime/src/engine/definition.js";
import { EmbeddedHotStore } from "../../../packages/runtime/src/hot/embedded-store.js";
import type { HotStore } from "../../../packages/runtime/src/hot/hot-store.js";
import { Keyspace } from "../../../packages/runtime/src/hot/keys.js";
import { RedisHotStore } from "../../../packages/runtime/src/hot/redis-store.js";
import * as S from "../../../packages/runtime/src/hot/scripts.js";
import { testIr } from "../../runtime/helpers/ir.js";

let redisStore: RedisHotStore;
let stop: () => Promise<void>;
beforeAll(async () => {
  const handle = await startRedis();
  stop = () => handle.stop();
  redisStore = new RedisHotStore(handle.connect(), false);
});
afterAll(async () => {
  await stop();
});

const ROOTS = 1100; // three HMGET chunks of 500
const roots = Array.from({ length: ROOTS }, (_, i) => `r${String(i).padStart(4, "0")}`);
// all_done: the join runs although r0000 fails; r0000 then has no output to hand over.
const ir = testIr([...roots.map((id) => ({ id })), { id: "z", deps: roots, trigger: "all_done" }]);

async function scenario(store: HotStore, prefix: string) {
  const keys = new Keyspace(prefix, 1).part(0);
  const def = prepareDefinition(ir);
  await S.createExecution(store, keys, {
    executionId: "x1",
    fingerprint: def.fingerprint,
    inputJson: "{}",
    pipelineName: "wide",
    definition: def,
  });
  const done = { workerId: "w1", claimNext: 0, leaseMs: 30_000 };
  const claimed = await S.claimSteps(store, keys, {
    workerId: "w1",
    max: ROOTS,
    defaultLeaseMs: 30_000,
  });
  let join: S.ClaimedStep[] = [];
  for (const c of claimed) {
    const ref = { executionId: c.executionId, stepId: c.stepId, token: c.token };
    const result =
      c.stepId === "r0000"
        ? await S.failStep(store, keys, {
            ...ref,
            ...done,
            decision: "fail",
            delayMs: 0,
            errorJson: '{"code":"STEP_FAILED"}',
            errorCode: "STEP_FAILED",
          })
        : await S.completeStep(store, keys, { ...ref, ...done, outputJson: `"${c.stepId}"` });
    join = result.next;
  }
  const z = (
    await S.claimSteps(store, keys, { workerId: "w1", max: 1, defaultLeaseMs: 30_000 })
  )[0]!;
  const last = await S.completeStep(store, keys, {
    executionId: "x1",
    stepId: "z",
    token: z.token,
    outputJson: '"z"',
    ...done,
  });
  return { claimed: claimed.length, join, z: z.depOutputs, last: { ...last, next: [] } };
}

describe("wide fan-in (more dependencies than one HMGET chunk)", () => {
  it("hands over every dependency output and every final fact, on Redis and embedded", async () => {
    const prefix = uniquePrefix("fanin");
    const onRedis = await scenario(redisStore, prefix);
    const onEmbedded = await scenario(new EmbeddedHotStore(new EmbeddedRedis(), true), prefix);
    expect(onEmbedded).toEqual(onRedis);
    expect(onRedis.claimed).toBe(ROOTS);
    expect(onRedis.join).toEqual([]);
    // Every completed root's output, in full; the failed root has none.
    expect(Object.keys(onRedis.z)).toHaveLength(ROOTS - 1);
    expect(onRedis.z.r0000).toBeUndefined();
    expect(onRedis.z.r1099).toBe('"r1099"');
    expect(onRedis.last.finalStatus).toBe("failed");
    const facts = onRedis.last.facts!;
    expect(facts.steps).toHaveLength(ROOTS + 1);
    expect(facts.steps[0]).toEqual({ id: "r0000", status: "failed" });
    expect(facts.steps[ROOTS - 1]).toEqual({
      id: "r1099",
      status: "completed",
      outputJson: '"r1099"',
    });
    expect(facts.steps[ROOTS]).toEqual({ id: "z", status: "completed", outputJson: '"z"' });
  });
});
