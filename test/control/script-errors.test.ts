/**
 * One status-word table serves the transition, execution-control and queue script wrappers
 * (packages/runtime/src/hot/script-errors.ts). Words a wrapper turns into a result keep doing so:
 * the queue's STALE_TOKEN is "stale" for start and finish, not an error, although the table now
 * maps STALE_TOKEN for the transition scripts. Runs on the embedded engine (same Lua).
 */
import { describe, expect, it } from "vitest";
import { controlKeys } from "../../packages/runtime/src/control/keys.js";
import {
  type EnqueueArgs,
  enqueueRunScript,
  finishRunScript,
  startRunScript,
} from "../../packages/runtime/src/control/scripts.js";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { pauseExecution } from "../../packages/runtime/src/engine/control-scripts.js";
import { EmbeddedHotStore } from "../../packages/runtime/src/hot/embedded-store.js";
import { Keyspace } from "../../packages/runtime/src/hot/keys.js";
import { setFingerprint } from "../../packages/runtime/src/hot/scripts.js";
import { codeOf } from "./helpers.js";

function enqueueArgs(runId: string): EnqueueArgs {
  return {
    runId,
    executionId: `x-${runId}`,
    priority: 0,
    tenant: "",
    pipeline: "p",
    fingerprint: "f1",
    irJson: "{}",
    inputJson: "{}",
    targetInstanceId: "",
    targetHoldMs: 0,
    maxQueued: 0,
    admissionKind: "",
    admissionReason: "",
    scaleOutTo: 0,
    metadataJson: "{}",
  };
}

describe("script error words -> OrdoError codes", () => {
  it("keeps the queue's STALE_TOKEN a 'stale' result and maps its errors", async () => {
    const store = new EmbeddedHotStore(new EmbeddedRedis(), true);
    const keys = controlKeys("errs");
    await enqueueRunScript(store, keys, enqueueArgs("r1"));
    // r1 is queued, not claimed: a start or finish with any token is stale.
    expect(await startRunScript(store, keys, { runId: "r1", token: "7", instanceId: "i" })).toBe(
      "stale",
    );
    expect(
      await finishRunScript(store, keys, {
        runId: "r1",
        status: "failed",
        reason: "x",
        token: "7",
      }),
    ).toBe("stale");
    expect(await codeOf(enqueueRunScript(store, keys, enqueueArgs("r1")))).toBe("RUN_EXISTS");
    expect(
      await codeOf(startRunScript(store, keys, { runId: "nope", token: "1", instanceId: "i" })),
    ).toBe("RUN_NOT_FOUND");
    await store.close();
  });

  it("maps transition and execution-control errors through the same table", async () => {
    const store = new EmbeddedHotStore(new EmbeddedRedis(), true);
    const keys = new Keyspace("errs", 1).part(0);
    expect(
      await codeOf(setFingerprint(store, keys, { executionId: "nope", fingerprint: "f" })),
    ).toBe("EXECUTION_NOT_FOUND");
    expect(
      await codeOf(
        pauseExecution(store, keys, { executionId: "nope", reason: "", requestedBy: "" }),
      ),
    ).toBe("EXECUTION_NOT_FOUND");
    await store.close();
  });
});
