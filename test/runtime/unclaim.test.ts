/**
 * The three scripts that hand a claim back without finishing the step (releaseStep, deferStep,
 * awaitInput) share lua/includes/unclaim.lua: the lease is dropped and the step stops counting as
 * running; on a cancelling execution the step ends `cancelled` (with the script's own reason) and
 * the execution finalizes only when nothing else runs. Otherwise each parks the step its own way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awaitInput, deferStep } from "../../packages/runtime/src/engine/control-scripts.js";
import { prepareDefinition } from "../../packages/runtime/src/engine/definition.js";
import { decodeLedgerEntry } from "../../packages/runtime/src/engine/ledger.js";
import { Keyspace } from "../../packages/runtime/src/hot/keys.js";
import { RedisHotStore } from "../../packages/runtime/src/hot/redis-store.js";
import {
  type ClaimedStep,
  cancelExecution,
  claimSteps,
  createExecution,
  releaseStep,
} from "../../packages/runtime/src/hot/scripts.js";
import { testIr } from "./helpers/ir.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "./helpers/redis.js";

let redis: TestRedis;
let store: RedisHotStore;
beforeAll(async () => {
  redis = await startTestRedis();
  store = RedisHotStore.connect(redis.connection);
});
afterAll(async () => {
  await store.close();
  await redis.stop();
});

/** One execution of two independent steps, both claimed by worker "w". */
async function twoClaimed() {
  const keys = new Keyspace(uniquePrefix("unclaim"), 1).part(0);
  const def = prepareDefinition(testIr([{ id: "a" }, { id: "b" }]));
  await createExecution(store, keys, {
    executionId: "x",
    fingerprint: def.fingerprint,
    inputJson: "{}",
    pipelineName: "t",
    definition: { irJson: def.irJson, rows: def.rows },
  });
  const claimed = await claimSteps(store, keys, { workerId: "w", max: 2, defaultLeaseMs: 30_000 });
  const [a, b] = [...claimed].sort((p, q) => p.stepId.localeCompare(q.stepId));
  const state = async (step: string) => ({
    status: await store.client.hget(keys.byName.st, `x|${step}`),
    leased: (await store.client.zscore(keys.byName.leases, `x|${step}`)) !== null,
    running: Number(await store.client.hget(keys.byName.x, "x:run")),
  });
  const cancelledReasons = async () =>
    (await store.xrange(keys.byName.log, "-", "+", 1000))
      .map(([id, f]) => decodeLedgerEntry(id, f))
      .filter((e) => e.type === "step.cancelled")
      .map((e) => [e.stepId, e.reason]);
  return { keys, a: a!, b: b!, state, cancelledReasons };
}

type Unclaim = (
  keys: ReturnType<Keyspace["part"]>,
  c: ClaimedStep,
) => Promise<{ finalStatus?: string | undefined }>;

const scripts: [string, Unclaim, string, string][] = [
  [
    "releaseStep",
    (keys, c) => releaseStep(store, keys, { ...c, workerId: "w" }),
    "released",
    "ready",
  ],
  [
    "deferStep",
    (keys, c) =>
      deferStep(store, keys, {
        ...c,
        workerId: "w",
        retryAfterMs: 60_000,
        reason: "limit",
        detailsJson: "{}",
      }),
    "throttled while cancelling",
    "throttled",
  ],
  [
    "awaitInput",
    (keys, c) => awaitInput(store, keys, { ...c, workerId: "w", timeoutMs: 0, requestJson: "{}" }),
    "cancelled before input",
    "waiting",
  ],
];

describe.each(scripts)("%s hands a claim back", (_name, unclaim, reason, parked) => {
  it(`parks the step as ${parked} when the execution is not cancelling`, async () => {
    const t = await twoClaimed();
    expect((await unclaim(t.keys, t.a)).finalStatus).toBeUndefined();
    expect(await t.state("a")).toEqual({ status: parked, leased: false, running: 1 });
    expect(await t.cancelledReasons()).toEqual([]);
  });

  it("cancels the step, and the execution once nothing else runs", async () => {
    const t = await twoClaimed();
    const cancel = await cancelExecution(store, t.keys, { executionId: "x", reason: "user" });
    expect(cancel.running).toBe(2);
    const first = await unclaim(t.keys, t.a);
    expect(first.finalStatus).toBeUndefined(); // b still runs
    expect(await t.state("a")).toEqual({ status: "cancelled", leased: false, running: 1 });
    const last = await unclaim(t.keys, t.b);
    expect(last.finalStatus).toBe("cancelled");
    expect(await t.state("b")).toEqual({ status: "cancelled", leased: false, running: 0 });
    expect(await t.cancelledReasons()).toEqual([
      ["a", reason],
      ["b", reason],
    ]);
  });
});
