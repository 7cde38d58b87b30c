/**
 * Compiles the pipeline, prints its fingerprint, and runs it on the embedded runtime.
 */
import { definitionFingerprint } from "@ordo/core";
import { createEmbeddedRuntime } from "@ordo/runtime";
import { greet, shout } from "./pipeline.js";

const ir = greet.compile();
console.log(JSON.stringify({ name: ir.name, fingerprint: definitionFingerprint(ir) }));

const runtime = createEmbeddedRuntime({ plugins: [shout] });
try {
  const run = await runtime.client.start(greet, { name: "ordo" });
  const result = await run.result();
  console.log(JSON.stringify({ result }));
  if ((result as { greeting?: string }).greeting !== "ORDO!!") process.exit(1);
} finally {
  await runtime.close();
}
