/**
 * Rough throughput/latency probe (not a test): `node --conditions=@ordo/source --import tsx
 * test/runtime/perf-probe.ts`. Executions are created first, then one worker (50 slots) drains
 * them; prints steps/s, round trips per step (client-side count) and chain latency.
 */
import { RedisHotStore } from "../../packages/runtime/src/hot/redis-store.js";
import { createClient, createWorker } from "../../packages/runtime/src/index.js";
import { testIr } from "./helpers/ir.js";
import { echo } from "./helpers/plugins.js";
import { startTestRedis, uniquePrefix } from "./helpers/redis.js";

// Count round trips on the client side (commandstats would also count commands inside scripts).
const counts: Record<string, number> = {};
for (const name of ["runScript", "hget", "hmget", "xrange", "blpop"] as const) {
  const original = RedisHotStore.prototype[name] as (...a: unknown[]) => unknown;
  (RedisHotStore.prototype as unknown as Record<string, unknown>)[name] = function (
    this: RedisHotStore,
    ...args: unknown[]
  ) {
    counts[name] = (counts[name] ?? 0) + 1;
    return original.apply(this, args);
  };
}
const snapshot = () => ({ ...counts });
const perStep = (a: Record<string, number>, b: Record<string, number>, steps: number) =>
  Object.keys(b)
    .map((k) => `${k}=${(((b[k] ?? 0) - (a[k] ?? 0)) / steps).toFixed(2)}`)
    .join(" ");

const redis = await startTestRedis({ spawn: true });
const admin = redis.connect();
async function redisCpu(): Promise<number> {
  const info = await admin.info("cpu");
  return (
    Number(/used_cpu_user:([\d.]+)/.exec(info)![1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)![1])
  );
}

async function scenario(name: string, ir: ReturnType<typeof testIr>, executions: number) {
  const prefix = uniquePrefix("perf");
  const client = createClient({ connection: redis.connection, prefix });
  await Promise.all(Array.from({ length: executions }, () => client.start(ir, {})));
  const before = snapshot();
  const cpu0 = await redisCpu();
  const node0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = createWorker({
    connection: redis.connection,
    prefix,
    plugins: [echo],
    concurrency: 50,
  });
  const fins = Array.from({ length: 16 }, (_, p) => `{${prefix}:${p}}:fin`);
  for (;;) {
    const done = await Promise.all(fins.map((k) => admin.zcard(k)));
    if (done.reduce((a, b) => a + b, 0) >= executions) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - t0;
  const steps = executions * ir.steps.length;
  const nodeCpu = process.cpuUsage(node0);
  console.log(
    `  cpu: redis ${(((await redisCpu()) - cpu0) * 1000).toFixed(0)} ms, node ${((nodeCpu.user + nodeCpu.system) / 1000).toFixed(0)} ms of ${ms.toFixed(0)} ms wall`,
  );
  console.log(
    `${name}: ${steps} steps in ${ms.toFixed(0)} ms = ${((steps / ms) * 1000).toFixed(0)} steps/s; ` +
      `worker round trips per step: ${perStep(before, snapshot(), steps)}`,
  );
  await worker.close();
  await client.close();
}

const chain = (n: number) =>
  testIr(Array.from({ length: n }, (_, i) => ({ id: `c${i}`, deps: i ? [`c${i - 1}`] : [] })));
await scenario("2000 x 5-step chain", chain(5), 2000);
await scenario("10000 x 1-step", chain(1), 10000);
await scenario(
  "20 x 250-wide fan-out",
  testIr(Array.from({ length: 250 }, (_, i) => ({ id: `s${i}` }))),
  20,
);

// Chain latency: dependency completed -> dependent claimed, from the ledger (ms resolution).
{
  const prefix = uniquePrefix("lat");
  const worker = createWorker({
    connection: redis.connection,
    prefix,
    plugins: [echo],
    concurrency: 50,
  });
  const client = createClient({ connection: redis.connection, prefix });
  const t0 = performance.now();
  const run = await client.start(chain(300), {});
  await run.result();
  const total = performance.now() - t0;
  const completedAt = new Map<string, number>();
  const gaps: number[] = [];
  for await (const e of run.events()) {
    if (e.type === "step.completed") completedAt.set(e.stepId!, e.at);
    if (e.type === "step.claimed" && e.stepId !== "c0") {
      gaps.push(e.at - completedAt.get(`c${Number(e.stepId!.slice(1)) - 1}`)!);
    }
  }
  gaps.sort((a, b) => a - b);
  console.log(
    `300-step chain: ${total.toFixed(0)} ms (${(total / 300).toFixed(2)} ms/step); ` +
      `dep->dependent p50 ${gaps[Math.floor(gaps.length * 0.5)]} ms, p99 ${gaps[Math.floor(gaps.length * 0.99)]} ms`,
  );
  await worker.close();
  await client.close();
}

// Idle wake-up: an idle worker blocked on BLPOP; each start must wake it (created -> claimed),
// and the client's result() round trip (start -> result) is measured too.
{
  const prefix = uniquePrefix("wake");
  const worker = createWorker({
    connection: redis.connection,
    prefix,
    plugins: [echo],
    concurrency: 50,
  });
  const client = createClient({ connection: redis.connection, prefix });
  const ir = chain(1);
  await (await client.start(ir, {})).result();
  const wake: number[] = [];
  const e2e: number[] = [];
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 2)); // let the worker go back to BLPOP
    const t0 = performance.now();
    const run = await client.start(ir, {});
    await run.result();
    e2e.push(performance.now() - t0);
    let created = 0;
    for await (const e of run.events()) {
      if (e.type === "execution.created") created = e.at;
      if (e.type === "step.claimed") wake.push(e.at - created);
    }
  }
  const pct = (xs: number[], q: number) =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]!;
  console.log(
    `idle wake (created->claimed): p50 ${pct(wake, 0.5)} ms p99 ${pct(wake, 0.99)} ms; ` +
      `start->result p50 ${pct(e2e, 0.5).toFixed(2)} ms p99 ${pct(e2e, 0.99).toFixed(2)} ms`,
  );
  await worker.close();
  await client.close();
}
await redis.stop();
