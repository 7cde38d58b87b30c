/**
 * A worker for the batch on Redis: `npm run worker -w @ordo/example-throttled-batch -- redis://127.0.0.1:6379`.
 * Start several: the provider limit is shared by all of them through Redis.
 *
 * `OPENAI_BASE_URL` + `OPENAI_API_KEY` name the provider (it must serve `fake-small`, or edit the
 * pipeline's model); without `OPENAI_BASE_URL` the worker starts the local test server in-process
 * (then each worker has its own server, and the limit still bounds the sum of their calls).
 */
import { createWorker } from "@ordo/runtime";
import { startOpenAiServer } from "@ordo/testing";
import { instrumentedModel } from "./model.js";
import { createBatchPlugins } from "./plugins.js";

const connection = process.argv[2] ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const model = instrumentedModel(20);
const local =
  process.env.OPENAI_BASE_URL === undefined
    ? await startOpenAiServer({ responder: model.responder })
    : undefined;
const baseURL = local?.baseURL ?? process.env.OPENAI_BASE_URL ?? "";
const plugins = createBatchPlugins(baseURL, process.env.OPENAI_API_KEY ?? "local");
const worker = createWorker({ connection, plugins, concurrency: 16 });
console.log(`worker ${worker.id} on ${connection}; provider 'local' at ${baseURL}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`${signal}: finishing in-flight steps`);
    void worker
      .close()
      .then(() => local?.close())
      .then(() => {
        const gauge = local === undefined ? "" : `; max in flight ${model.maxInFlight()}`;
        console.log(`closed; stats ${JSON.stringify(worker.stats)}${gauge}`);
      });
  });
}
