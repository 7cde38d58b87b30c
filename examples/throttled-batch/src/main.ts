/**
 * `npm start`: triages 130 tickets (260 LLM calls) on the embedded runtime with two workers of 16
 * slots each, against the local OpenAI-compatible server answering in ~20 ms, under
 * `throttle.provider("local", 4)`; prints the most calls the server ever saw at once.
 * `npm start -w @ordo/example-throttled-batch -- 300` triages 300 tickets instead.
 */
import { createEmbeddedRuntime, createWorker } from "@ordo/runtime";
import { startOpenAiServer } from "@ordo/testing";
import { runBatch } from "./batch.js";
import { instrumentedModel } from "./model.js";
import triage, { PROVIDER_LIMIT } from "./pipeline.js";
import { createBatchPlugins } from "./plugins.js";
import { makeTickets } from "./tickets.js";

const count = Number(process.argv[2] ?? 130);
const model = instrumentedModel(20);
const server = await startOpenAiServer({ responder: model.responder });
const plugins = createBatchPlugins(server.baseURL, "local");
const ordo = createEmbeddedRuntime({ plugins, concurrency: 16 });
const second = createWorker({ connection: { embedded: ordo.engine }, plugins, concurrency: 16 });
try {
  const tickets = makeTickets(count);
  const { results, elapsedMs } = await runBatch(ordo.client, triage, tickets);
  const wrong = results.filter((r, i) => r.category !== tickets[i]?.expected).length;
  console.log(`${results.length} tickets, ${model.calls()} LLM calls in ${elapsedMs} ms`);
  console.log(
    `max calls in flight at the provider: ${model.maxInFlight()} (limit ${PROVIDER_LIMIT})`,
  );
  console.log(`miscategorized: ${wrong}; first: ${JSON.stringify(results[0])}`);
} finally {
  await second.close();
  await ordo.close();
  await server.close();
}
