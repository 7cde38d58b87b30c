/**
 * `npm start`: routes the sample reviews on the embedded runtime and prints where each went.
 * With `--json`, prints one JSON object instead: the routed reviews and the file the plugin was
 * loaded from (the tarball test uses it to prove the installed copy ran).
 */
import { createEmbeddedRuntime } from "@ordo/runtime";
import routing, { type RoutedReview, sampleReviews } from "./pipeline.js";
import { plugins } from "./plugins.js";

const json = process.argv.includes("--json");
const ordo = createEmbeddedRuntime({ plugins, concurrency: 4 });
try {
  const routed: RoutedReview[] = [];
  for (const { reviewId, text } of sampleReviews) {
    const run = await ordo.client.start<RoutedReview>(routing, { reviewId, text });
    routed.push(await run.result({ timeoutMs: 15_000 }));
  }
  const pluginFile = import.meta.resolve("@acme/ordo-step-sentiment");
  if (json) console.log(JSON.stringify({ pluginFile, routed }));
  else {
    for (const r of routed) {
      console.log(
        `${r.reviewId}  ${r.label.padEnd(8)} ${r.score.toFixed(3).padStart(6)}  -> ${r.queue}${r.urgent ? " (urgent)" : ""}`,
      );
    }
    console.log(`plugin loaded from ${pluginFile}`);
  }
} finally {
  await ordo.close();
}
