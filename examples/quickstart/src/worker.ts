/**
 * A worker for the quick start's plugins on Redis: `npm run worker -- redis://127.0.0.1:6379`.
 * Start executions from anywhere (e.g. `ordo run src/pipeline.ts --redis <url> --workers 0`);
 * this process claims and runs their steps until SIGINT/SIGTERM, then finishes what it holds.
 */
import { createWorker } from "@ordo/runtime";
import { plugins } from "./plugins.js";

const connection = process.argv[2] ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const worker = createWorker({ connection, plugins, concurrency: 8 });
console.log(`worker ${worker.id} running ${plugins.length} plugins on ${connection}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`${signal}: finishing in-flight steps`);
    void worker.close().then(() => console.log(`closed; stats ${JSON.stringify(worker.stats)}`));
  });
}
