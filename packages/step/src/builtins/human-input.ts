/**
 * The `ordo.human-input` step contract: declared by `@ordo/sdk` (`humanInput()`), implemented by
 * the runtime (the step waits until an answer is submitted through the client).
 */
import { z } from "zod";
import { declareStep } from "../declare-step.js";

/**
 * Input of the human-input step.
 *
 * @example
 * ```ts
 * humanInputInputSchema.parse({ prompt: "Approve?", timeoutMs: 3_600_000 });
 * ```
 */
export const humanInputInputSchema = z.object({
  /** What the person is asked. */
  prompt: z.string().min(1),
  /** Who should answer (user or group id); anyone with access when absent. */
  assignee: z.string().min(1).optional(),
  /** Milliseconds to wait; the step fails (non-retryable) when nobody answered in time. */
  timeoutMs: z.number().int().positive().optional(),
  /** Context shown with the prompt. */
  context: z.unknown().optional(),
});

/**
 * Output schema of the human-input step whose answer matches `response`.
 *
 * @example
 * ```ts
 * const output = humanInputOutputSchema(z.object({ approved: z.boolean() }));
 * output.parse({ response: { approved: true }, respondedAt: "2025-01-01T00:00:00Z" });
 * ```
 */
export function humanInputOutputSchema<R extends z.ZodType>(response: R) {
  return z.object({
    response,
    respondedBy: z.string().optional(),
    /** ISO 8601 time of the answer. */
    respondedAt: z.string(),
  });
}

/**
 * Declaration of `ordo.human-input@1.0.0`: waits for a person's answer (submitted through the
 * client), then completes with it. The config's `responseSchema` is the JSON Schema answers are
 * checked against.
 *
 * @example
 * ```ts
 * import { humanInputStep } from "@ordo/step/builtins";
 * humanInputStep.type; // "ordo.human-input"
 * ```
 */
export const humanInputStep = declareStep({
  type: "ordo.human-input",
  version: "1.0.0",
  description: "Wait for a person's answer.",
  input: humanInputInputSchema,
  output: humanInputOutputSchema(z.unknown()),
  config: z.object({ responseSchema: z.record(z.string(), z.unknown()).optional() }),
  metadata: { operation: "human-input" },
});
