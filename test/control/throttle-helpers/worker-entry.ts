/**
 * A worker process for the throttling tests:
 * `node --conditions=@ordo/source --import tsx worker-entry.ts <connection> <prefix> <workerId>`.
 * Runs `test.limited`: INCRs `<prefix>:inflight` on start (pushing the value it got, i.e. how
 * many attempts run at that instant, to `<prefix>:seen`), sleeps `ms`, DECRs on the way out.
 * Prints "ready" once started and one `[THROTTLED] ...` line per denied attempt; SIGTERM closes it.
 */
import { defineStep } from "@ordo/step";
import { Redis } from "ioredis";
import { z } from "zod";
import { createWorker } from "../../../packages/runtime/src/index.js";
import { parseConnectionArg } from "../../runtime/helpers/redis.js";

const [arg, prefix, workerId] = process.argv.slice(2);
const connection = parseConnectionArg(arg!);
const redis = typeof connection === "string" ? new Redis(connection) : new Redis(connection);

const limited = defineStep({
  type: "test.limited",
  version: "1.0.0",
  input: z.object({ ms: z.number() }),
  output: z.object({ worker: z.string() }),
  async run(input) {
    const n = await redis.incr(`${prefix}:inflight`);
    await redis.rpush(`${prefix}:seen`, String(n));
    try {
      await new Promise((r) => setTimeout(r, input.ms));
    } finally {
      await redis.decr(`${prefix}:inflight`);
    }
    return { worker: workerId! };
  },
});

let throttled = 0;
const worker = createWorker({
  connection,
  prefix: prefix!,
  workerId: workerId!,
  concurrency: 8,
  idleWaitMs: 50,
  plugins: [limited],
  onThrottled: ({ stepId }) => {
    throttled++;
    if (throttled % 25 === 1) process.stdout.write(`[THROTTLED] ${stepId}\n`);
  },
});
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void worker.close({ timeoutMs: 2_000 }).then(() => {
    redis.disconnect();
    process.exit(0);
  });
});
