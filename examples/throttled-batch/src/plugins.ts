/**
 * The worker side of the batch: the `ordo.llm` plugin pointed at one OpenAI-compatible provider
 * named `local` (the name the provider limit counts), and the `label` step.
 */
import type { StepPlugin } from "@ordo/step";
import { createLlmStep } from "@ordo/step-llm";
import { label } from "./steps.js";

/**
 * The plugins a worker needs for `ticket-triage`, calling the provider at `baseURL`.
 *
 * @example
 * ```ts
 * const worker = createWorker({ connection, plugins: createBatchPlugins(server.baseURL, "local") });
 * ```
 */
export function createBatchPlugins(baseURL: string, apiKey: string): StepPlugin[] {
  const llm = createLlmStep({
    providers: [{ name: "local", baseURL, apiKey, models: ["fake-small"] }],
  });
  return [llm, label];
}
