/**
 * The runtime's transition scripts give identical results on real Redis and on the embedded
 * engine: one scripted scenario (create, claim, complete-and-claim, retry, terminal failure with
 * skips, stale report, cancel, fingerprint) runs on both; replies, final step state and the
 * ledger (types, seq, steps, tokens) must match. Times, deadlines and stream ids are left out.
 */
import { startRedis, uniquePrefix } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../../packages/runtime/src/embedded/index.js";
import { prepareDefinition } from "../../../packages/runtime/src/engine/definition.js";
import { decodeLedgerEntry } from "../../../packages/runtime/src/engine/ledger.js";
import { readExecution } from "../../../packages/runtime/src/engine/state.js";
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

const ir = testIr([
  { id: "a" },
  { id: "b" },
  { id: "c", deps: ["a", "b"] },
  { id: "d", deps: ["c"] },
  { id: "e", deps: ["a"], trigger: "all_done" },
]);

/** Replaces volatile values (deadlines) so both sides compare equal. */
// Clock values differ between runs: keep only whether they are there (a claim's readyAt and
// claimedAt must be present on both engines).
const CLOCK_FIELDS = new Set(["leaseDeadline", "firstEventId", "readyAt", "claimedAt"]);

function stable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v) => (CLOCK_FIELDS.has(k) ? typeof v : v)));
}

async function scenario(store: HotStore, prefix: string) {
  const ks = new Keyspace(prefix, 1);
  const keys = ks.part(0);
  const def = prepareDefinition(ir);
  const out: unknown[] = [];
  const claimArgs = { workerId: "w1", defaultLeaseMs: 30_000 };
  const record = async (label: string, run: () => Promise<unknown>) => {
    try {
      out.push([label, stable(await run())]);
    } catch (error) {
      out.push([label, "error", (error as { code?: string }).code]);
    }
  };
  const base = { fingerprint: def.fingerprint, inputJson: '{"n":1}', pipelineName: "p" };
  await record("create", () =>
    S.createExecution(store, keys, { ...base, executionId: "x1", definition: def }),
  );
  // Ready order is start time (ms) first: keep x1 strictly older than x2 on both engines, else
  // a same-millisecond start on one side and not the other reorders their claims.
  await new Promise((resolve) => setTimeout(resolve, 3));
  await record("create-known", () =>
    S.createExecution(store, keys, { ...base, executionId: "x2" }),
  );
  await record("create-dup", () => S.createExecution(store, keys, { ...base, executionId: "x1" }));
  // Claimed steps waiting to be reported, processed in a fixed order with a fixed plan:
  // x1.b fails once (retry, 0 ms), then for good; everything else completes.
  const pool: S.ClaimedStep[] = [];
  const claim = async (label: string, max: number) => {
    const got = await S.claimSteps(store, keys, { ...claimArgs, max });
    out.push([label, stable(got)]);
    pool.push(...got);
  };
  const ref = (c: S.ClaimedStep) => ({
    executionId: c.executionId,
    stepId: c.stepId,
    token: c.token,
  });
  const done = { workerId: "w1", claimNext: 1, leaseMs: 30_000 };
  const failArgs = { errorJson: '{"code":"STEP_FAILED"}', errorCode: "STEP_FAILED", ...done };
  const report = async (c: S.ClaimedStep) => {
    const label = `${c.executionId}.${c.stepId}#${c.attempt}`;
    let result: S.SettleResult | undefined;
    await record(label, async () => {
      if (c.executionId === "x1" && c.stepId === "b") {
        const decision = c.attempt === 1 ? "retry" : "fail";
        result = await S.failStep(store, keys, { ...ref(c), decision, delayMs: 0, ...failArgs });
      } else {
        result = await S.completeStep(store, keys, { ...ref(c), outputJson: '{"v":1}', ...done });
      }
      return result;
    });
    pool.push(...(result?.next ?? []));
  };
  await claim("claim", 3);
  const firstA = pool.find((c) => c.executionId === "x1" && c.stepId === "a")!;
  await report(pool.splice(pool.indexOf(firstA), 1)[0]!);
  await record("stale", () =>
    S.completeStep(store, keys, { ...ref(firstA), outputJson: "{}", ...done }),
  );
  await record("cancel-x2", () =>
    S.cancelExecution(store, keys, { executionId: "x2", reason: "t" }),
  );
  await record("cancel-missing", () =>
    S.cancelExecution(store, keys, { executionId: "nope", reason: "t" }),
  );
  for (let round = 0; round < 20; round++) {
    if (pool.length === 0) await claim(`claim-${round}`, 5);
    if (pool.length === 0) break;
    pool.sort((p, q) =>
      `${p.executionId}.${p.stepId}`.localeCompare(`${q.executionId}.${q.stepId}`),
    );
    await report(pool.shift()!);
  }
  await record("fingerprint", () =>
    S.setFingerprint(store, keys, { executionId: "x1", fingerprint: "f".repeat(64) }),
  );
  for (const id of ["x1", "x2"]) {
    const snap = await readExecution(store, keys, id, def);
    out.push([`state-${id}`, snap?.status, [...(snap?.steps ?? [])]]);
  }
  const log = await store.xrange(keys.byName.log, "-", "+", 1000);
  out.push([
    "ledger",
    log.map(([id, f]) => {
      const e = decodeLedgerEntry(id, f);
      return [e.executionId, e.seq, e.type, e.stepId ?? "", e.claimToken ?? "", e.reason ?? ""];
    }),
  ]);
  return out;
}

describe("transition scripts: Redis vs embedded", () => {
  it("produce identical replies, state and ledger", async () => {
    const prefix = uniquePrefix("conf");
    const onRedis = await scenario(redisStore, prefix);
    const onEmbedded = await scenario(new EmbeddedHotStore(new EmbeddedRedis(), true), prefix);
    expect(onEmbedded).toEqual(onRedis);
    // The scenario exercised what it claims to.
    const labels = JSON.stringify(onRedis);
    expect(labels).toContain("STALE_TOKEN");
    expect(labels).toContain("EXECUTION_EXISTS");
    expect(labels).toContain("step.skipped");
    expect(labels).toContain("execution.cancelled");
    expect(labels).toContain("execution.failed");
  });
});
