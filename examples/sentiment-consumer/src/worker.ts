/**
 * A worker for `review-routing` on Redis: `npm run worker -w @ordo/example-sentiment-consumer -- redis://127.0.0.1:6379`.
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
