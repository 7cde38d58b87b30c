/**
 * Runs the quick start pipeline once, embedded (no Redis, no MongoDB): `npm start`.
 * The same code runs on Redis by giving `createClient`/`createWorker` a `connection`.
 */
import { createEmbeddedRuntime } from "@ordo/runtime";
import supportAnswer, { sampleInput } from "./pipeline.js";
import { plugins } from "./plugins.js";

const ordo = createEmbeddedRuntime({ plugins, concurrency: 4 });
try {
  const run = await ordo.client.start(supportAnswer, sampleInput);
  for await (const event of run.events()) {
    if (event.stepId !== undefined) console.log(`${event.type.padEnd(22)} ${event.stepId}`);
  }
  console.log(await run.result());
  const state = await run.status();
  console.log(`status ${state.status}, execution fingerprint ${state.fingerprint}`);
} finally {
  await ordo.close();
}
