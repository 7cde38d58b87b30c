/**
 * The control plane on the embedded engine (same Lua, no Redis server): submit with admission,
 * priority order, a stale instance's claimed run requeued, and a cancelled queued run.
 */
import { describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/index.js";
import { codeOf, deployment, echoIr, runReaches } from "./helpers.js";

describe("control plane on the embedded engine", () => {
  it("queues, dispatches, recovers and cancels like on Redis", async () => {
    const d = deployment({ embedded: new EmbeddedRedis() });
    try {
      const { control } = d;
      await control.instances.register({ instanceId: "ghost:1:x", runSlots: 1 });
      const first = await control.submit({ pipeline: echoIr, input: { text: "1" }, runId: "e1" });
      expect(first.decision).toMatchObject({ kind: "assign", instanceId: "ghost:1:x" });
      const gone = await control.queue.enqueue({ pipeline: echoIr, input: {}, runId: "e0" });
      await control.queue.cancel(gone.runId);
      await control.queue.enqueue({
        pipeline: echoIr,
        input: { text: "2" },
        runId: "e2",
        priority: 9,
      });
      expect(
        await codeOf(control.queue.enqueue({ pipeline: echoIr, input: {}, runId: "e2" })),
      ).toBe("RUN_EXISTS");
      // The ghost never heartbeats: the sweep marks it stale, so its hold on e1 no longer applies.
      await new Promise((r) => setTimeout(r, 30));
      expect(await control.instances.sweep(10)).toEqual(["ghost:1:x"]);
      d.startWorker();
      const instance = await control.startInstance({ runSlots: 1, idleWaitMs: 20 });
      await runReaches(control, "e1", "completed");
      await runReaches(control, "e2", "completed");
      const started = (await control.queue.events({ count: 500 }))
        .filter((e) => e.type === "run.started")
        .map((e) => e.runId);
      expect(started).toEqual(["e2", "e1"]);
      expect((await control.queue.get("e0"))?.status).toBe("cancelled");
      expect(await control.executions.result((await control.queue.get("e2"))!.executionId)).toEqual(
        {
          value: "2",
        },
      );
      await instance.close();
    } finally {
      await d.close();
    }
  });
});
