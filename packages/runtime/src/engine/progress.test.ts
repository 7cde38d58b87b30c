import { describe, expect, it } from "vitest";
import type { HotStore } from "../hot/hot-store.js";
import { partitionKeys } from "../hot/keys.js";
import { ProgressBuffer, progressSettings } from "./progress.js";

/** A hot store that records emitProgress calls and answers with `reply(callIndex)`. */
function fakeStore(reply: (call: number) => unknown = () => undefined) {
  const calls: { keys: readonly string[]; args: readonly string[] }[] = [];
  const store = {
    async runScript(name: string, keys: readonly string[], args: readonly string[]) {
      expect(name).toBe("emitProgress");
      calls.push({ keys, args });
      const r = reply(calls.length - 1);
      if (r instanceof Error) throw r;
      return r ?? ["OK", (args.length - 4) / 2];
    },
  } as unknown as HotStore;
  /** The event types of each call, in order. */
  const batches = () => calls.map((c) => c.args.slice(4).filter((_, i) => i % 2 === 0));
  return { store, calls, batches };
}

function logger() {
  const warnings: string[] = [];
  return {
    warnings,
    log: { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} },
  };
}

const keys = partitionKeys("p", 3);
const ref = { executionId: "e", stepId: "s", token: "7" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ProgressBuffer", () => {
  it("sends full batches at once and the rest on close, in emit order", async () => {
    const f = fakeStore();
    const l = logger();
    const settings = progressSettings({ maxBatch: 4, flushMs: 60_000 })!;
    const buffer = new ProgressBuffer(f.store, keys, ref, l.log, settings);
    for (let i = 0; i < 10; i++) buffer.push(`t${i}`, { i });
    await buffer.close();
    expect(f.batches()).toEqual([
      ["t0", "t1", "t2", "t3"],
      ["t4", "t5", "t6", "t7"],
      ["t8", "t9"],
    ]);
    expect(f.calls[0]!.keys).toEqual([...keys.all, "{p:3}:progress"]);
    expect(f.calls[0]!.args.slice(0, 6)).toEqual(["e", "s", "7", "10000", "t0", '{"i":0}']);
    buffer.push("late", {});
    await buffer.flush();
    expect(f.calls).toHaveLength(3); // closed: later events are dropped
  });

  it("sends a partial batch within flushMs", async () => {
    const f = fakeStore();
    const buffer = new ProgressBuffer(
      f.store,
      keys,
      ref,
      logger().log,
      progressSettings({ flushMs: 10 })!,
    );
    buffer.push("a", undefined);
    buffer.push("b", { x: 1 });
    expect(f.calls).toHaveLength(0);
    await sleep(40);
    expect(f.batches()).toEqual([["a", "b"]]);
    expect(f.calls[0]!.args.slice(4)).toEqual(["a", "", "b", '{"x":1}']);
    buffer.discard();
  });

  it("stops sending once the claim token is rejected", async () => {
    const f = fakeStore((call) => (call === 0 ? ["STALE_TOKEN", "pending"] : undefined));
    const l = logger();
    const buffer = new ProgressBuffer(
      f.store,
      keys,
      ref,
      l.log,
      progressSettings({ maxBatch: 2 })!,
    );
    for (let i = 0; i < 6; i++) buffer.push("t", i);
    await buffer.close();
    expect(f.calls).toHaveLength(1);
    expect(l.warnings).toEqual(["progress events rejected"]);
  });

  it("logs and drops a batch whose flush fails, and keeps going", async () => {
    const f = fakeStore((call) => (call === 0 ? new Error("connection lost") : undefined));
    const l = logger();
    const buffer = new ProgressBuffer(
      f.store,
      keys,
      ref,
      l.log,
      progressSettings({ maxBatch: 2 })!,
    );
    for (let i = 0; i < 4; i++) buffer.push(`t${i}`, i);
    await expect(buffer.close()).resolves.toBeUndefined();
    expect(f.batches()).toEqual([
      ["t0", "t1"],
      ["t2", "t3"],
    ]);
    expect(l.warnings).toEqual(["progress flush failed; events dropped"]);
  });

  it("drops events past maxPending with one warning, and unencodable data", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const f = fakeStore();
    const slow = {
      runScript: async (...a: Parameters<HotStore["runScript"]>) => {
        await gate;
        return f.store.runScript(...a);
      },
    } as unknown as HotStore;
    const l = logger();
    const settings = progressSettings({ maxBatch: 2, maxPending: 3, flushMs: 60_000 })!;
    const buffer = new ProgressBuffer(slow, keys, ref, l.log, settings);
    buffer.push("big", 1n); // BigInt: JSON cannot encode it
    for (let i = 0; i < 10; i++) buffer.push(`t${i}`, i);
    release();
    await buffer.close();
    // big + t0 fill a batch (queued behind the gate), t1 waits, t2.. are past maxPending (3)
    expect(f.batches()).toEqual([["t0"], ["t1"]]);
    expect(l.warnings).toEqual(["progress buffer full; dropping events"]);
  });
});

describe("progressSettings", () => {
  it("is off with false and fills defaults otherwise", () => {
    expect(progressSettings(false)).toBeUndefined();
    const defaults = { flushMs: 50, maxBatch: 64, maxPending: 4096, streamCap: 10_000 };
    expect(progressSettings(undefined)).toEqual(defaults);
    expect(progressSettings(true)).toEqual(defaults);
    expect(progressSettings({ maxBatch: 0, streamCap: 5 })).toMatchObject({
      maxBatch: 1,
      streamCap: 5,
    });
  });
});
