/**
 * The human-input step factory over the shared `ordo.human-input` declaration of
 * `@ordo/step/builtins` (implemented by the runtime: the step waits until an answer is submitted
 * through the client).
 */
import { declareStep } from "@ordo/step";
import {
  type humanInputInputSchema,
  humanInputOutputSchema,
  humanInputStep,
} from "@ordo/step/builtins";
import { z } from "zod";
import { makeSpec, type StepOptions, type StepSpec } from "../spec.js";
import type { BindableInputs } from "../values.js";
import { splitOptions } from "./options.js";

export { humanInputStep };

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
  bind: ($: TScope) => BindableInputs<z.input<typeof humanInputInputSchema>>,
  options: HumanInputOptions<R> = {},
): StepSpec<TScope, z.output<ReturnType<typeof humanInputOutputSchema<R>>>> {
  const { response, ...rest } = options;
  if (response === undefined) {
    const split = splitOptions(rest);
    return makeSpec(humanInputStep, bind, split.config, split.options);
  }
  // Same type and version as the generic declaration; only the schemas are narrowed, so the IR
  // carries the expected answer's schema and later bindings are checked against it.
  const narrowed = declareStep({ ...humanInputStep, output: humanInputOutputSchema(response) });
  const responseSchema = z.toJSONSchema(response, { io: "input" });
  const split = splitOptions(rest);
  return makeSpec(narrowed, bind, { ...split.config, responseSchema }, split.options);
}
