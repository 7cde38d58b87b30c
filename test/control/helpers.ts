/**
 * Shared setup of control-plane tests: a real Redis (or `REDIS_URL`), a unique key prefix per
 * test, a worker running the runtime test plugins, and polling helpers with deadlines.
 */
import type { PipelineIR } from "@ordo/core";
import { afterAll, beforeAll } from "vitest";
import { type ControlPlane, createControlPlane } from "../../packages/runtime/src/control/index.js";
import { type HttpServer, startHttpServer } from "../../packages/runtime/src/http/index.js";
import {
  type Client,
  type Connection,
  createClient,
  createWorker,
  type Worker,
  type WorkerOptions,
} from "../../packages/runtime/src/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { echo, sleep } from "../runtime/helpers/plugins.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "../runtime/helpers/redis.js";

/** One isolated deployment: control plane, client and (optionally) a worker. */
export interface Deployment {
  readonly prefix: string;
  readonly control: ControlPlane;
  readonly client: Client;
  startWorker(): Worker;
  close(): Promise<void>;
}

export function deployment(
  connection: Connection,
  options: Parameters<typeof createControlPlane>[0] = {},
): Deployment {
  const prefix = uniquePrefix("ctl");
  const client = createClient({ connection, prefix });
  const control = createControlPlane({ connection, client, prefix, ...options });
  const workers: Worker[] = [];
  return {
    prefix,
    control,
    client,
    startWorker() {
      const worker = createWorker({
        connection,
        prefix,
        plugins: [echo, sleep],
        concurrency: 8,
        idleWaitMs: 50,
        leaseMs: 1_500, // heartbeats every ~0.5 s: a cancel reaches a running step quickly
      });
      workers.push(worker);
      return worker;
    },
    async close() {
      await control.close();
      for (const w of workers) await w.close({ release: true });
      await client.close();
    },
  };
}

/** Deployments of one test file on one Redis (see {@link redisDeployments}). */
export interface RedisDeployments {
  /** The file's Redis (only inside tests and hooks: it starts in `beforeAll`). */
  readonly redis: () => TestRedis;
  /** A fresh deployment on its own prefix, closed after the file's tests. */
  setup(options?: Parameters<typeof deployment>[1]): Deployment;
}

/**
 * Call at the top of a test file: starts Redis before the file's tests; after them closes every
 * deployment `setup()` opened, then Redis.
 */
export function redisDeployments(): RedisDeployments {
  let redis: TestRedis | undefined;
  const open: Deployment[] = [];
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    for (const d of open) await d.close();
    await redis?.stop();
  });
  const current = () => {
    if (redis === undefined) throw new Error("redisDeployments: Redis starts in beforeAll");
    return redis;
  };
  return {
    redis: current,
    setup(options = {}) {
      const d = deployment(current().connection, options);
      open.push(d);
      return d;
    },
  };
}

/** A real Redis with a client and one in-process worker on a fresh key prefix. */
export interface RedisEngine {
  readonly redis: TestRedis;
  readonly prefix: string;
  readonly client: Client;
  readonly worker: Worker;
  /** Releases the worker's steps, then closes worker, client and Redis. */
  close(): Promise<void>;
}

/**
 * Starts Redis (or uses `REDIS_URL`), a client and a worker running `worker.plugins` (default
 * echo and sleep) under `uniquePrefix(label)`. Worker defaults: idleWaitMs 50 (tests wait less
 * for an idle worker); the other options are the worker's own defaults unless given.
 */
export async function redisEngine(
  label: string,
  worker: Partial<Omit<WorkerOptions, "connection" | "prefix">> = {},
): Promise<RedisEngine> {
  const redis = await startTestRedis();
  const prefix = uniquePrefix(label);
  const connection = redis.connection;
  const client = createClient({ connection, prefix });
  const w = createWorker({ plugins: [echo, sleep], idleWaitMs: 50, ...worker, connection, prefix });
  return {
    redis,
    prefix,
    client,
    worker: w,
    async close() {
      await w.close({ release: true });
      await client.close();
      await redis.stop();
    },
  };
}

/** A one-step pipeline echoing `input.text`. */
export const echoIr: PipelineIR = testIr([{ id: "a", inputs: { value: { $ref: "input.text" } } }], {
  name: "echo",
  output: { value: { $ref: "steps.a.output.value" } },
});

/** A one-step pipeline sleeping `input.ms`. */
export const sleepIr: PipelineIR = testIr(
  [{ id: "s", type: "test.sleep", inputs: { ms: { $ref: "input.ms" } } }],
  { name: "sleeper" },
);

/** Polls `probe` until it returns a non-undefined value, or throws after `timeoutMs`. */
export async function until<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Reads every 20 ms until `ok(value)` holds; after `ms` throws with the last value read. */
export async function waitFor<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  ms = 5_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end)
      throw new Error(`condition not met in ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the run reaches `status`. */
export function runReaches(control: ControlPlane, runId: string, status: string) {
  return until(async () => {
    const run = await control.queue.get(runId);
    return run?.status === status ? run : undefined;
  }, `run ${runId} to be ${status}`);
}

/** Error code of a rejected promise. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String((error as { code?: string }).code);
  }
  throw new Error("expected a rejection");
}

/** A deployment behind the HTTP adapter, as {@link httpDeployment} returns it. */
export interface HttpDeployment {
  readonly redis: TestRedis;
  readonly d: Deployment;
  readonly http: HttpServer;
  /** `--url <adapter> --token <token>` for `ordo` commands. */
  readonly api: string[];
}

/**
 * Call at the top of a test file: before its tests starts Redis, a deployment and the HTTP
 * adapter with bearer `token`; after them closes all three. Read the fields inside tests only.
 */
export function httpDeployment(token: string): HttpDeployment {
  let state: HttpDeployment | undefined;
  beforeAll(async () => {
    const redis = await startTestRedis();
    const d = deployment(redis.connection);
    const http = await startHttpServer({ control: d.control, token });
    state = { redis, d, http, api: ["--url", http.url, "--token", token] };
  });
  afterAll(async () => {
    await state?.http.close();
    await state?.d.close();
    await state?.redis.stop();
  });
  const get = (): HttpDeployment => {
    if (state === undefined) throw new Error("httpDeployment: it starts in beforeAll");
    return state;
  };
  return {
    get redis() {
      return get().redis;
    },
    get d() {
      return get().d;
    },
    get http() {
      return get().http;
    },
    get api() {
      return get().api;
    },
  };
}
