/**
 * Restore and rerun on the embedded engine: a recorded execution removed from hot state comes
 * back with its status, outputs and fingerprint; an invalid snapshot is refused; a rerun from a
 * step reuses upstream outputs without running their plugin and runs the rest; `--against`
 * names the steps a new definition changes.
 */
import { isOrdoError } from "@ordo/core";
import { defineStep } from "@ordo/step";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  auditExecution,
  diffAgainst,
  rerunExecution,
  restoreExecution,
} from "../../packages/runtime/src/replay/index.js";
import { setupDeployment } from "../ledger/helpers.js";
import { testIr } from "../runtime/helpers/ir.js";

let d: Awaited<ReturnType<typeof setupDeployment>>;
const runs: string[] = [];
const counted = defineStep({
  type: "test.counted",
  version: "1.0.0",
  input: z.object({ value: z.unknown().optional() }).passthrough(),
  output: z.object({ value: z.unknown(), n: z.number() }),
  async run(input, ctx) {
    runs.push(`${ctx.executionId}:${ctx.stepId}`);
    return { value: input.value ?? null, n: runs.length };
  },
});
const ir = testIr(
  [
    { id: "a", type: "test.counted", inputs: { value: { $ref: "input.q" } } },
    {
      id: "b",
      type: "test.counted",
      deps: ["a"],
      inputs: { value: { $ref: "steps.a.output.value" } },
    },
    { id: "c", type: "test.counted", deps: ["b"], inputs: { value: { $ref: "steps.b.output.n" } } },
    { id: "side", type: "test.counted", deps: ["a"] },
  ],
  { name: "chain" },
);

beforeAll(async () => {
  d = await setupDeployment({ plugins: [counted] });
});
afterAll(() => d.close());

const ops = () => ({ connection: d.connection, store: d.store, partitions: d.partitions });

describe("restore", () => {
  it("rebuilds an evicted execution's hot state from its snapshot", async () => {
    const id = await d.run(ir, { q: "r" }, "restore-me");
    await d.shipper.shipOnce();
    const before = await d.client.status(id);
    // Simulate a lost Redis: a fresh engine has nothing.
    const engine = new (
      await import("../../packages/runtime/src/embedded/index.js")
    ).EmbeddedRedis();
    const connection = { embedded: engine };
    const { createClient } = await import("../../packages/runtime/src/index.js");
    const client = createClient({ connection, partitions: d.partitions });
    await expect(client.status(id)).rejects.toMatchObject({ code: "EXECUTION_NOT_FOUND" });
    const restored = await restoreExecution(
      { connection, store: d.store, partitions: d.partitions },
      id,
    );
    expect(restored.report.valid).toBe(true);
    const after = await client.status(id);
    expect(after).toMatchObject({
      status: "completed",
      fingerprint: before.fingerprint,
      input: { q: "r" },
    });
    for (const s of ["a", "b", "c", "side"]) {
      expect(after.steps[s]).toMatchObject({
        status: "completed",
        output: before.steps[s]!.output,
      });
    }
    // Restoring over a live execution is refused; the restore event continues the chain.
    await expect(
      restoreExecution({ connection, store: d.store, partitions: d.partitions }, id),
    ).rejects.toMatchObject({ code: "EXECUTION_EXISTS" });
    const events = await d.store.readEvents(id);
    expect(events.at(-1)?.type).toBe("snapshot.restored");
    expect((await auditExecution(d.store, id)).valid).toBe(true);
    await client.close();
  });

  it("refuses an invalid snapshot", async () => {
    const id = await d.run(ir, { q: "bad" });
    await d.shipper.shipOnce();
    const snapshot = (await d.store.getSnapshot(id))!;
    await d.store.putSnapshot({ ...snapshot, executionFingerprint: "0".repeat(64) });
    const engine = new (
      await import("../../packages/runtime/src/embedded/index.js")
    ).EmbeddedRedis();
    const error = await restoreExecution(
      { connection: { embedded: engine }, store: d.store, partitions: d.partitions },
      id,
    ).catch((e: unknown) => e);
    expect(isOrdoError(error) && error.code).toBe("REPLAY_INVALID");
    const keys = (await engine.call("KEYS", "*")) as string[];
    expect(keys.filter((k) => !k.includes(":ship:"))).toEqual([]);
  });
});

describe("rerun", () => {
  it("reuses upstream outputs and runs the step and its descendants again", async () => {
    const source = await d.run(ir, { q: "fork" }, "fork-source");
    await d.shipper.shipOnce();
    const recorded = await d.client.status(source);
    runs.length = 0;
    const fork = await rerunExecution(ops(), source, { from: "b", executionId: "fork-1" });
    expect(fork.reused).toEqual(["a"]);
    expect(fork.rerun).toEqual(["b", "c", "side"]);
    const handle = d.client.handle(fork.executionId);
    await handle.result({ timeoutMs: 10_000 });
    const state = await handle.status();
    expect(state.status).toBe("completed");
    expect(state.steps.a?.output).toEqual(recorded.steps.a?.output);
    expect(runs.sort()).toEqual(["fork-1:b", "fork-1:c", "fork-1:side"]);
    await d.shipper.shipOnce();
    const types = (await d.store.readEvents("fork-1")).map(
      (e) => `${e.type}${e.stepId ? `:${e.stepId}` : ""}`,
    );
    expect(types.slice(0, 3)).toEqual(["execution.created", "execution.forked:b", "step.reused:a"]);
    expect((await auditExecution(d.store, "fork-1")).issues).toEqual([]);
    await expect(rerunExecution(ops(), source, { from: "nope" })).rejects.toMatchObject({
      code: "STEP_NOT_FOUND",
    });
  });
});

describe("against", () => {
  it("names the steps a new definition changes and whether they had completed", async () => {
    const id = await d.run(ir, { q: "v2" });
    await d.shipper.shipOnce();
    const snapshot = (await d.store.getSnapshot(id))!;
    expect(diffAgainst(snapshot, ir)).toMatchObject({
      identical: true,
      divergences: [],
      affectsCompleted: false,
    });
    const v2 = structuredClone(ir) as typeof ir & {
      steps: { inputs: unknown; typeVersion: string }[];
    };
    (v2.steps[1] as { inputs: unknown }).inputs = { value: { $ref: "input.q" } };
    (v2.steps[2] as { typeVersion: string }).typeVersion = "2.0.0";
    const report = diffAgainst(snapshot, {
      ...v2,
      steps: [...v2.steps.slice(0, 3), { ...v2.steps[0]!, id: "extra" }],
    } as typeof ir);
    expect(report.identical).toBe(false);
    expect(
      report.divergences.map((x) => [x.stepId, x.changes.join("+"), x.affectsCompleted]),
    ).toEqual([
      ["b", "inputs", true],
      ["c", "typeVersion", true],
      ["extra", "added", false],
      ["side", "removed", true],
    ]);
    expect(report.firstDivergence).toBe("b");
  });
});
