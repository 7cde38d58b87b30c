/**
 * The per-ticket triage pipeline of the batch: two LLM calls (category and summary, in parallel)
 * and a local step that checks the category, all under one provider concurrency limit shared by
 * every execution and every worker.
 *
 * ```
 * ┌─ categorize ─┐
 * └─ summarize ──┴─ label
 * ```
 *
 * Pure module: importing it runs no step code and opens no connection.
 */
import { llm, pipeline, retry, throttle, use } from "@ordo/sdk";
import { z } from "zod";
import { label } from "./steps.js";

/** The provider limit of the example: at most this many `local` LLM calls in flight, anywhere. */
export const PROVIDER_LIMIT = 4;

/** The pipeline's output (what `run.result()` resolves to). */
export interface TriageResult {
  readonly id: string;
  readonly category: string;
  readonly summary: string;
}

/**
 * Builds the triage pipeline; `providerLimit: undefined` drops the limit (the test uses that to
 * show the batch overloads the provider without it).
 *
 * @example
 * ```ts
 * const unthrottled = triagePipeline({ providerLimit: undefined });
 * ```
 */
export function triagePipeline(options: { providerLimit: number | undefined }) {
  const { providerLimit } = options;
  return pipeline({
    name: "ticket-triage",
    version: "1.0.0",
    description: "Categorize and summarize one support ticket.",
    input: z.object({ id: z.string(), text: z.string() }),
    ...(providerLimit === undefined
      ? {}
      : // A throttled step is offered again after 100 ms (default 250). Much shorter re-offers cost more
        // claim traffic than they save: at 10 ms the batch became CPU-bound on re-offers.
        {
          policies: {
            concurrency: [throttle.provider("local", providerLimit, { retryAfterMs: 100 })],
          },
        }),
  })
    .step(
      "categorize",
      llm(($) => ({ prompt: $.template`Category: ${$.input.text}` }), {
        provider: "local",
        model: "fake-small",
        temperature: 0,
      }),
    )
    .policies({ retry: retry.exponential({ maxAttempts: 3, baseDelayMs: 50 }) })
    .step(
      "summarize",
      llm(($) => ({ prompt: $.template`Summarize: ${$.input.text}` }), {
        provider: "local",
        model: "fake-small",
        temperature: 0,
      }),
    )
    .policies({ retry: retry.exponential({ maxAttempts: 3, baseDelayMs: 50 }) })
    .step(
      "label",
      use(label, ($) => ({
        id: $.input.id,
        category: $.steps.categorize.output.text,
        summary: $.steps.summarize.output.text,
      })),
    )
    .output(($) => ({
      id: $.steps.label.output.id,
      category: $.steps.label.output.category,
      summary: $.steps.label.output.summary,
    }));
}

export default triagePipeline({ providerLimit: PROVIDER_LIMIT });
