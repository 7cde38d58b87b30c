/**
 * A worker process for multi-process and chaos tests:
 * `node --conditions=@ordo/source --import tsx worker-entry.ts <connection> <prefix> <workerId>
 *  <concurrency> <leaseMs>`. Runs `test.work` (sleeps `ms`, records `<exec>:<step>:<attempt>:<worker>`
 * in the list `<prefix>:runs`) and `test.det`. Prints "ready" once started; SIGTERM closes it.
 */
import { Redis } from "ioredis";
import { createWorker } from "../../../packages/runtime/src/index.js";
import { parseConnectionArg } from "./redis.js";
import { detPlugin, workPlugin } from "./work-plugins.js";

const [arg, prefix, workerId, concurrency, leaseMs] = process.argv.slice(2);
const connection = parseConnectionArg(arg!);
const recorder = typeof connection === "string" ? new Redis(connection) : new Redis(connection);
const worker = createWorker({
  connection,
  prefix: prefix!,
  workerId: workerId!,
  concurrency: Number(concurrency),
  leaseMs: Number(leaseMs),
  idleWaitMs: 100,
  sweepIntervalMs: 250,
  plugins: [workPlugin(recorder, `${prefix}:runs`, workerId!), detPlugin],
});
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void worker.close({ timeoutMs: 2_000 }).then(() => {
    recorder.disconnect();
    process.exit(0);
  });
});
