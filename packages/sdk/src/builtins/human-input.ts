/**
 * The human-input step, declared (implemented by the runtime: the step waits until an answer is
 * submitted through the client).
 */
import { declareStep } from "@ordo/step";
import { z } from "zod";
import { makeSpec, type StepOptions, type StepSpec } from "../spec.js";
import type { BindableInputs } from "../values.js";
import { splitOptions } from "./options.js";

const humanInputInput = z.object({
  /** What the person is asked. */
  prompt: z.string().min(1),
  /** Who should answer (user or group id); anyone with access when absent. */
  assignee: z.string().min(1).optional(),
  /** Milliseconds to wait; the step fails (non-retryable) when nobody answered in time. */
  timeoutMs: z.number().int().positive().optional(),
  /** Context shown with the prompt. */
  context: z.unknown().optional(),
});

function humanInputOutput<R extends z.ZodType>(response: R) {
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
 * import { humanInputStep } from "@ordo/sdk";
 * humanInputStep.type; // "ordo.human-input"
 * ```
 */
export const humanInputStep = declareStep({
  type: "ordo.human-input",
  version: "1.0.0",
  description: "Wait for a person's answer.",
  input: humanInputInput,
  output: humanInputOutput(z.unknown()),
  config: z.object({ responseSchema: z.record(z.string(), z.unknown()).optional() }),
  metadata: { operation: "human-input" },
});

/**
 * Options of {@link humanInput}: the expected answer's schema plus the common step options.
 *
 * @example
 * ```ts
 * humanInput(() => ({ prompt: "Approve?" }), { response: z.object({ approved: z.boolean() }) });
 * ```
 */
export type HumanInputOptions<R extends z.ZodType> = StepOptions & {
  /** zod schema of the answer: types `output.response` and is checked when the answer arrives. */
  readonly response?: R;
};

/**
 * A step that waits for a person's answer, typed by `options.response`.
 *
 * @example
 * ```ts
 * p.step("approve", humanInput(($) => ({ prompt: $.template`Send ${$.steps.draft.output.text}?` }), {
 *   response: z.object({ approved: z.boolean() }),
 * }));
 * // $.steps.approve.output.response.approved is a Ref<boolean>; IR config:
 * // { responseSchema: { type: "object", properties: { approved: { type: "boolean" } }, ... } }
 * ```
 */
export function humanInput<TScope, R extends z.ZodType = z.ZodUnknown>(
  bind: ($: TScope) => BindableInputs<z.input<typeof humanInputInput>>,
  options: HumanInputOptions<R> = {},
): StepSpec<TScope, z.output<ReturnType<typeof humanInputOutput<R>>>> {
  const { response, ...rest } = options;
  if (response === undefined) {
    const split = splitOptions(rest);
    return makeSpec(humanInputStep, bind, split.config, split.options);
  }
  // Same type and version as the generic declaration; only the schemas are narrowed, so the IR
  // carries the expected answer's schema and later bindings are checked against it.
  const narrowed = declareStep({ ...humanInputStep, output: humanInputOutput(response) });
  const responseSchema = z.toJSONSchema(response, { io: "input" });
  const split = splitOptions(rest);
  return makeSpec(narrowed, bind, { ...split.config, responseSchema }, split.options);
}
