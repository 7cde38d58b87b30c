/**
 * Replay through the control plane and its HTTP adapter: a real execution shipped to an
 * in-memory SQLite durable store, then audit, ledger, rerun from a step and diff.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createControlPlane } from "../../packages/runtime/src/control/index.js";
import { type HttpServer, startHttpServer } from "../../packages/runtime/src/http/index.js";
import {
  createLedgerShipper,
  type DurableStore,
  openSqliteStore,
} from "../../packages/runtime/src/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { startTestRedis, type TestRedis } from "../runtime/helpers/redis.js";
import { codeOf, type Deployment, deployment, runReaches } from "./helpers.js";

const TOKEN = "replay-token";
let redis: TestRedis;
let d: Deployment;
let durable: DurableStore;
let http: HttpServer;
const ir = testIr(
  [
    { id: "a", inputs: { value: { $ref: "input.text" } } },
    { id: "b", deps: ["a"], inputs: { value: { $template: "b({{steps.a.output.value}})" } } },
  ],
  { name: "two", output: { out: { $ref: "steps.b.output.value" } } },
);

beforeAll(async () => {
  redis = await startTestRedis();
  durable = await openSqliteStore({ path: ":memory:" });
  d = deployment(redis.connection, { durable });
  d.startWorker();
  http = await startHttpServer({ control: d.control, token: TOKEN });
});
afterAll(async () => {
  await http.close();
  await d.close();
  await durable.close();
  await redis.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${http.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("replay through the control plane", () => {
  it("audits, lists the ledger, reruns from a step and diffs against a new definition", async () => {
    const instance = await d.control.startInstance({ runSlots: 2, idleWaitMs: 50 });
    const { runId, executionId } = await d.control.submit({ pipeline: ir, input: { text: "x" } });
    await runReaches(d.control, runId, "completed");
    const shipper = createLedgerShipper({
      connection: redis.connection,
      store: durable,
      prefix: d.prefix,
    });
    await shipper.shipOnce();
    await shipper.close();
    const audit = await call("GET", `/executions/${executionId}/audit`);
    expect(audit.body).toMatchObject({ executionId, valid: true, status: "completed" });
    const ledger = await call("GET", `/executions/${executionId}/ledger`);
    const types = (ledger.body.events as { type: string }[]).map((e) => e.type);
    expect(types[0]).toBe("execution.created");
    expect(types).toContain("execution.completed");
    expect(types.filter((t) => t === "step.completed")).toHaveLength(2);
    const rerun = await call("POST", `/executions/${executionId}/rerun`, { from: "b" });
    expect(rerun.status).toBe(202);
    expect(rerun.body).toMatchObject({ sourceId: executionId, reused: ["a"], rerun: ["b"] });
    const fork = rerun.body.executionId as string;
    expect(await d.control.executions.result(fork, { timeoutMs: 10_000 })).toEqual({ out: "b(x)" });
    const changed = {
      ...ir,
      steps: ir.steps.map((s) => (s.id === "b" ? { ...s, inputs: { value: "changed" } } : s)),
    };
    const diff = await call("POST", `/executions/${executionId}/against`, { pipeline: changed });
    expect(diff.status).toBe(200);
    expect(JSON.stringify(diff.body)).toContain('"b"');
    expect((await call("GET", "/executions/unknown/audit")).body).toMatchObject({ valid: false });
    expect((await call("POST", `/executions/${executionId}/rerun`, {})).status).toBe(400);
    await instance.close();
  });

  it("refuses replay without a durable store", async () => {
    const plain = createControlPlane({ connection: redis.connection, prefix: d.prefix });
    expect(plain.replay.enabled).toBe(false);
    expect(await codeOf(plain.replay.audit("x"))).toBe("USAGE");
    await plain.close();
  });
});
