/**
 * The keys of `ordo demo` (space pauses and resumes, `c` then `y` cancels, `c` then anything
 * else keeps running) and typed human input, fed through a PassThrough instead of a terminal,
 * against a real execution on an embedded engine. Assertions read the execution's status.
 */
import { PassThrough } from "node:stream";
import type { PipelineIR } from "@ordo/core";
import {
  type Client,
  createClient,
  createWorker,
  EmbeddedRedis,
  type ExecutionState,
  type Worker,
} from "@ordo/runtime";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { attachControls, type Detach } from "../../packages/cli/src/demo/controls.js";
import { DEMO_PLUGINS } from "../../packages/cli/src/demo/plugins.js";
import { hitlScenario } from "../../packages/cli/src/demo/scenarios.js";

/** `n` demo.work steps of `ms` each, in a chain: long enough to press keys in the middle. */
function chain(n: number, ms: number): PipelineIR {
  return {
    ordo: 1,
    name: "keys-chain",
    version: "1.0.0",
    input: { type: "object" },
    policies: {},
    steps: Array.from({ length: n }, (_, i) => ({
      id: `s${String(i).padStart(2, "0")}`,
      type: "demo.work",
      typeVersion: "1.0.0",
      dependsOn: i === 0 ? [] : [`s${String(i - 1).padStart(2, "0")}`],
      inputs: { ms },
      config: {},
      metadata: {},
      trigger: "all_success" as const,
      schemas: { input: {}, output: {} },
    })),
  };
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const completed = (s: ExecutionState) =>
  Object.values(s.steps).filter((step) => step.status === "completed").length;

let engine: EmbeddedRedis;
let client: Client;
let workers: Worker[];
let detach: Detach | undefined;
let printed: string;
const out = { write: (text: string) => (printed += text) };

beforeEach(() => {
  engine = new EmbeddedRedis();
  const connection = { embedded: engine };
  client = createClient({ connection });
  workers = [1, 2].map((i) =>
    createWorker({ connection, plugins: DEMO_PLUGINS, idleWaitMs: 20, workerId: `w${i}` }),
  );
  printed = "";
});
afterEach(async () => {
  detach?.();
  await Promise.all(workers.map((w) => w.close({ timeoutMs: 2_000 })));
  await client.close();
  await engine.quit();
});

describe("demo keys on an injected input stream", () => {
  test("space pauses, space resumes, c+n keeps running, c+y cancels", async () => {
    const handle = await client.start(chain(30, 120), {});
    const status = () => handle.status();
    const input = new PassThrough();
    detach = attachControls({ client, executionId: handle.executionId, out, input, keys: true });
    await until(status, (s) => completed(s) >= 1);

    input.write(" ");
    const paused = await until(status, (s) => s.control === "paused");
    expect(paused.status).toBe("running");
    // Paused: no new step starts, so nothing more completes.
    const held = completed(paused);
    await new Promise((r) => setTimeout(r, 400));
    expect(completed(await status())).toBe(held);
    expect(printed).toMatch(/\[CONTROL\] +(pausing|paused)/);

    input.write(" ");
    await until(status, (s) => s.control === undefined);
    await until(status, (s) => completed(s) > held);

    input.write("c");
    await until(
      async () => printed,
      (p) => p.includes("press y to confirm"),
    );
    input.write("n");
    await until(
      async () => printed,
      (p) => p.includes("cancel declined"),
    );
    const kept = await status();
    expect(kept.status).toBe("running");
    expect(kept.cancelRequested).toBe(false);

    input.write("cy"); // one chunk holding both keys is handled key by key
    const cancelled = await until(status, (s) => s.status === "cancelled");
    expect(cancelled.cancelRequested).toBe(true);
    expect(completed(cancelled)).toBeLessThan(30);
  }, 30_000);

  test("without keys (stdin not a terminal) input is never read and the run completes", async () => {
    const handle = await client.start(chain(4, 20), {});
    const input = new PassThrough();
    detach = attachControls({ client, executionId: handle.executionId, out, input, keys: false });
    input.write(" cy");
    input.end();
    await handle.result({ timeoutMs: 10_000 });
    expect((await handle.status()).status).toBe("completed");
    expect(printed).not.toMatch(/CONTROL/);
  });

  test("keys on an input that ends at once: no crash, the run completes", async () => {
    const handle = await client.start(chain(4, 20), {});
    const input = new PassThrough();
    input.end();
    detach = attachControls({ client, executionId: handle.executionId, out, input, keys: true });
    await handle.result({ timeoutMs: 10_000 });
    expect((await handle.status()).status).toBe("completed");
  });
});

describe("demo human input on an injected input stream", () => {
  test("an invalid typed answer is refused and asked again; a valid one completes", async () => {
    const handle = await client.start(hitlScenario(), {});
    const input = new PassThrough();
    detach = attachControls({ client, executionId: handle.executionId, out, input, keys: false });
    await until(
      async () => printed,
      (p) => p.includes("[INPUT]     approve: Publish the draft?"),
    );
    input.write("maybe\n");
    await until(
      async () => printed,
      (p) => p.includes("refused (INPUT_INVALID)"),
    );
    input.write("yes\n");
    await handle.result({ timeoutMs: 10_000 });
    expect((await handle.status()).steps.approve).toMatchObject({
      status: "completed",
      output: { response: "yes", respondedBy: "demo" },
    });
  }, 20_000);

  test("stdin closed with no --answer: the execution is cancelled instead of waiting", async () => {
    const handle = await client.start(hitlScenario(), {});
    const input = new PassThrough();
    detach = attachControls({ client, executionId: handle.executionId, out, input, keys: false });
    await until(
      async () => printed,
      (p) => p.includes("approve: Publish the draft?"),
    );
    input.end();
    const state = await until(
      () => handle.status(),
      (s) => s.status === "cancelled",
    );
    expect(state.steps.publish?.status).not.toBe("completed");
    expect(printed).toMatch(/no answer \(stdin closed; use --answer\); cancelling/);
  }, 20_000);
});
